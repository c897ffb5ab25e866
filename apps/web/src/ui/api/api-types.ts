// The controller's JSON answers, typed by the packages that produce them (types only: nothing
// of these packages is bundled).
export type { EdgeRow, RouteRow, StatRow, TcpStats, TrafficStats } from '@skein/controller';
export type { TapEventRecord, TapPeerRecord } from '@skein/tap';

/** `GET /api/version`. */
export interface VersionAnswer {
  readonly version: string;
  readonly metricsSource: 'scraper' | 'prometheus';
}

/** `GET /api/namespaces`. */
export interface NamespacesAnswer {
  readonly namespaces: readonly string[];
}

/** One pod of `GET /api/pods`. */
export interface PodAnswer {
  readonly namespace: string;
  readonly name: string;
  readonly ip: string;
  readonly owner: { readonly kind: string; readonly name: string } | null;
  readonly serviceAccount: string;
  readonly meshed: boolean;
  readonly running: boolean;
  readonly tapEnabled: boolean;
  readonly proxy: {
    readonly adminAddress: string;
    readonly tapAddress?: string;
    readonly identity?: string;
  } | null;
  readonly labels: Readonly<Record<string, string>>;
}

/** `GET /api/pods`. */
export interface PodsAnswer {
  readonly pods: readonly PodAnswer[];
}

/** `POST /api/tap` body. */
export interface TapRequestBody {
  readonly target: { readonly kind: string; readonly namespace: string; readonly name?: string };
  readonly to?: { readonly kind: string; readonly namespace: string; readonly name?: string };
  readonly maxRps?: number;
  readonly method?: string;
  readonly path?: string;
  readonly authority?: string;
}
