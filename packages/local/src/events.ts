import type { ProcessExit } from './process/managed-process.js';

/** The addresses of a running local mesh. */
export interface LocalMeshEndpoints {
  /** The controller API (`skein --api-addr`), `http://ip:port`. */
  readonly controllerUrl: string;
  /** The dashboard, `http://ip:port/`, when it runs. */
  readonly dashboardUrl: string | undefined;
  /** The tap API, `http://ip:port`, when it runs. */
  readonly tapUrl: string | undefined;
  /** Identity (Certify) gRPC, `ip:port`. */
  readonly identityAddr: string;
  /** Destination gRPC, `ip:port`. */
  readonly destinationAddr: string;
  /** The pods. */
  readonly pods: readonly {
    readonly name: string;
    readonly ip: string;
    /** The proxy's admin server, `ip:port`. */
    readonly adminAddr: string;
    /** The app's address, `ip:port`, when it serves. */
    readonly appAddr: string | undefined;
  }[];
  /** Where the run's files are (logs under `logs/`). */
  readonly runDir: string;
  /** Every process started, by name. */
  readonly processes: readonly { readonly name: string; readonly pid: number }[];
}

/** What a local mesh reports while it starts, runs and stops. */
export type LocalMeshEvent =
  | {
      /** A previous run from the same directory had died; what it left was cleaned up. */
      readonly type: 'reaped';
      readonly processes: readonly string[];
      readonly netns: readonly string[];
    }
  | {
      /** A process was started; `detail` says what "ready" means for it. */
      readonly type: 'starting';
      readonly component: string;
      readonly pid: number;
      readonly detail: string;
    }
  | { readonly type: 'ready'; readonly component: string; readonly elapsedMs: number }
  | {
      /** Everything is ready. */
      readonly type: 'running';
      readonly elapsedMs: number;
      readonly endpoints: LocalMeshEndpoints;
    }
  | {
      /** A process exited while the mesh was supposed to run. */
      readonly type: 'exited';
      readonly component: string;
      readonly exit: ProcessExit;
      readonly output: string;
      readonly logFile: string;
    }
  | { readonly type: 'stopping' }
  | { readonly type: 'stopped'; readonly elapsedMs: number };
