import type { Container, KubeObject, Volume } from '@skein/inject';

export type { Container, KubeObject, Volume };

/** A port of a Service: name, port and the container port it forwards to. */
export interface ServicePort {
  /** Port name. */
  readonly name: string;
  /** Service port. */
  readonly port: number;
  /** Container port (number or name). Default: `port`. */
  readonly targetPort?: number | string;
}
