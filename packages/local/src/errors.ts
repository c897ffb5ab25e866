import { SkeinError } from '@skein/core';

/** Stable codes of the errors `@skein/local` throws. */
export const LocalMeshErrorCode = {
  /** An address the mesh needs is held by another process. */
  PortTaken: 'ERR_SKEIN_PORT_TAKEN',
  /** An address the mesh needs is not an address of this machine. */
  AddressUnavailable: 'ERR_SKEIN_ADDRESS_UNAVAILABLE',
  /** A process of the mesh did not start, exited, or was not ready in time. */
  ComponentFailed: 'ERR_SKEIN_COMPONENT_FAILED',
  /** The options, topology or run directory cannot be used. */
  InvalidLocalMesh: 'ERR_SKEIN_INVALID_LOCAL_MESH',
  /** Another local mesh already runs from the same run directory. */
  AlreadyRunning: 'ERR_SKEIN_LOCAL_MESH_RUNNING',
  /** Network namespaces could not be set up or torn down. */
  Netns: 'ERR_SKEIN_LOCAL_NETNS',
} as const;

/** Who holds a port, as far as this machine tells (`/proc` on Linux). */
export interface PortHolder {
  readonly pid: number;
  /** Its command line, joined by spaces. */
  readonly command: string;
  /** It listens on every address (0.0.0.0 or ::), so another base address does not avoid it. */
  readonly everyAddress: boolean;
}

/** An address the mesh needs is taken. The message names the address and, when known, the holder. */
export class PortTakenError extends SkeinError {
  /** `ip:port`. */
  readonly address: string;
  /** What the mesh wanted it for (e.g. `the proxy inbound of web-0`). */
  readonly purpose: string;
  /** The process holding it, when it could be found. */
  readonly holder: PortHolder | undefined;

  constructor(address: string, purpose: string, holder: PortHolder | undefined) {
    const who =
      holder === undefined
        ? 'another process (not found in /proc: it may belong to another user)'
        : `pid ${holder.pid} (${holder.command})${holder.everyAddress ? ', listening on every address' : ''}`;
    const remedy =
      holder?.everyAddress === true
        ? 'Stop that process, or move every port of the mesh (--port-offset).'
        : 'Stop that process, or choose other addresses (--base-ip) or ports (--port-offset).';
    super(
      LocalMeshErrorCode.PortTaken,
      `${address} is taken by ${who}; the local mesh needs it for ${purpose}. ${remedy}`,
    );
    this.address = address;
    this.purpose = purpose;
    this.holder = holder;
  }
}

/** An IP the mesh wants to listen on is not configured on this machine. */
export class AddressUnavailableError extends SkeinError {
  /** The IP. */
  readonly ip: string;

  constructor(ip: string, purpose: string, hint: string) {
    super(
      LocalMeshErrorCode.AddressUnavailable,
      `${ip} is not an address of this machine; the local mesh needs it for ${purpose}. ${hint}`,
    );
    this.ip = ip;
  }
}

/** A process of the mesh failed; `output` holds the end of what it printed. */
export class ComponentFailedError extends SkeinError {
  /** The process name (`identity`, `web-0.proxy`, …). */
  readonly component: string;
  /** The last lines it printed. */
  readonly output: string;

  constructor(component: string, problem: string, output: string, logFile: string | undefined) {
    const where = logFile === undefined ? '' : ` (log: ${logFile})`;
    const tail =
      output.trim() === ''
        ? ' It printed nothing.'
        : `\n--- last output of ${component} ---\n${output.trimEnd()}`;
    super(LocalMeshErrorCode.ComponentFailed, `${component} ${problem}${where}.${tail}`);
    this.component = component;
    this.output = output;
  }
}

/** Options, a topology or a run directory that cannot be used; the message names the field. */
export class InvalidLocalMeshError extends SkeinError {
  constructor(field: string, value: string, expected: string) {
    super(
      LocalMeshErrorCode.InvalidLocalMesh,
      `${field}: expected ${expected}, got ${JSON.stringify(value)}`,
    );
  }
}

/** A local mesh already runs from this run directory. */
export class LocalMeshRunningError extends SkeinError {
  /** The pid of the process that runs it. */
  readonly pid: number;

  constructor(runDir: string, pid: number) {
    super(
      LocalMeshErrorCode.AlreadyRunning,
      `a local mesh already runs from ${runDir} (pid ${pid}); stop it first (Ctrl-C in its terminal, or kill ${pid})`,
    );
    this.pid = pid;
  }
}

/** Setting up or tearing down network namespaces failed. */
export class NetnsError extends SkeinError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(LocalMeshErrorCode.Netns, message, options);
  }
}
