/** A route of a ServiceProfile: requests matching it get their own metrics (`skein routes`). */
export interface RouteSpec {
  /** Route name, e.g. `GET /api/list` or `/emojivoto.v1.EmojiService/ListAll`. */
  readonly name: string;
  /** HTTP method to match (any when unset). */
  readonly method?: string;
  /** Path regular expression (anchored by the proxy). */
  readonly pathRegex: string;
}

/** How the apps of a local mesh reach the network. */
export type LocalMeshMode = 'loopback' | 'netns';

/** What a workload's app is told about where it runs and how to reach its peers. */
export interface AppContext {
  /** Pod name, e.g. `web-0`. */
  readonly pod: string;
  /** The pod's IP. */
  readonly ip: string;
  /** `loopback`: the app talks to its proxy explicitly; `netns`: traffic is intercepted. */
  readonly mode: LocalMeshMode;
  /**
   * The sidecar's outbound listener (`ip:4140`) the app must send its requests to, naming the
   * service in the authority (explicit mode); undefined with `netns`, where iptables intercepts.
   */
  readonly outboundProxy: string | undefined;
  /** `host:port` to listen on for container port `port`. */
  listenAddr(port: number): string;
  /**
   * `host:port` to dial for workload `workload`'s Service: its DNS name in explicit mode
   * (`web-svc.default.svc.cluster.local:80`), its pod address with `netns` (there is no DNS).
   * @throws {InvalidLocalMeshError} when no such workload has a Service.
   */
  serviceAddr(workload: string): string;
}

/** How to start a workload's app. */
export interface AppCommand {
  /** Executable. */
  readonly command: string;
  /** Arguments. */
  readonly args: readonly string[];
  /** Variables added to the app's environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** The app is ready once a line of its output matches (else: once its port accepts connections). */
  readonly ready?: RegExp;
}

/** One workload (a Deployment with one replica) of the mesh's app. */
export interface WorkloadSpec {
  /** Deployment name, a DNS label (`web`); its pod is `<name>-0`. */
  readonly name: string;
  /** Service account, the first label of the workload's identity (default: `name`). */
  readonly serviceAccount?: string;
  /** The port the app serves (absent for a pure client such as a traffic generator). */
  readonly port?: number;
  /** The Service in front of it (its target port is `port`). */
  readonly service?: { readonly name: string; readonly port: number };
  /** ServiceProfile routes of the Service. */
  readonly routes?: readonly RouteSpec[];
  /** A traffic generator: started last, once everything else is ready, and left out without traffic. */
  readonly traffic?: boolean;
  /** The app's command line for this pod. */
  app(context: AppContext): AppCommand;
}

/** An app to run on the local mesh: its namespace and workloads. */
export interface MeshTopology {
  /** Kubernetes-style namespace of every workload (a DNS label). */
  readonly namespace: string;
  /** The workloads. */
  readonly workloads: readonly WorkloadSpec[];
}
