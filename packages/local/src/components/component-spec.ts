/** How the orchestrator knows a component is ready. */
export type ReadinessCheck =
  | { readonly kind: 'http'; readonly url: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number }
  | { readonly kind: 'line'; readonly pattern: RegExp };

/** One process of the mesh, before it is placed (netns, user) and started. */
export interface ComponentSpec {
  /** Process name: `identity`, `web-0.proxy`, `web-0.app`. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Variables added to the base environment. */
  readonly env: Readonly<Record<string, string>>;
  readonly ready: ReadinessCheck;
  /** What "ready" means, for messages (`/ready answers 200 at http://…`). */
  readonly readyWhat: string;
}

/** The description of a readiness check, for messages. */
export function describeCheck(check: ReadinessCheck): string {
  switch (check.kind) {
    case 'http':
      return `GET ${check.url} answers 2xx`;
    case 'tcp':
      return `${check.host}:${check.port} accepts connections`;
    case 'line':
      return `it prints a line matching ${check.pattern}`;
  }
}
