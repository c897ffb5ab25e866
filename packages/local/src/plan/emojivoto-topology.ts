import type { AppContext, MeshTopology, RouteSpec } from './topology.js';

/** Options of {@link emojivotoTopology}. */
export interface EmojivotoOptions {
  /** The Node.js executable (24 or later: it runs the app's TypeScript as is). */
  readonly node: string;
  /** The app's entry point, `examples/emojivoto/src/main.ts`. */
  readonly main: string;
  /** Namespace (default `default`, so `skein stat deploy` needs no `-n`). */
  readonly namespace?: string;
  /** vote-bot visits per second (default 5). */
  readonly rate?: number;
  /** V8 flags for the apps (default: a 1 MiB young generation, as the mesh's own processes). */
  readonly nodeFlags?: readonly string[];
}

const grpc = (service: string, methods: string[]): RouteSpec[] =>
  methods.map((m) => ({
    name: `${service}/${m}`,
    method: 'POST',
    pathRegex: `/emojivoto\\.v1\\.${service}/${m}`,
  }));

/**
 * The emojivoto demo (`@skein/example-emojivoto`) as a mesh topology: `web` (HTTP, Service
 * `web-svc:80`), `emoji` and `voting` (gRPC, `emoji-svc:8080`, `voting-svc:8080`) and the
 * `vote-bot` traffic generator, each with ServiceProfile routes.
 */
export function emojivotoTopology(options: EmojivotoOptions): MeshTopology {
  // Clients (web, vote-bot) send through their sidecar in explicit mode; servers only listen.
  const run = (service: string, ctx: AppContext, flags: string[], client: boolean) => ({
    command: options.node,
    args: [
      ...(options.nodeFlags ?? ['--max-semi-space-size=1']),
      options.main,
      service,
      ...flags,
      ...(client && ctx.outboundProxy !== undefined ? ['--proxy', ctx.outboundProxy] : []),
    ],
    ready: service === 'vote-bot' ? /emojivoto vote-bot: visiting/ : /emojivoto \S+: listening on/,
  });
  return {
    namespace: options.namespace ?? 'default',
    workloads: [
      {
        name: 'emoji',
        port: 8080,
        service: { name: 'emoji-svc', port: 8080 },
        routes: grpc('EmojiService', ['ListAll', 'FindByShortcode']),
        app: (ctx) => run('emoji', ctx, ['--listen', ctx.listenAddr(8080)], false),
      },
      {
        name: 'voting',
        port: 8080,
        service: { name: 'voting-svc', port: 8080 },
        routes: grpc('VotingService', ['Vote', 'VoteDoughnut', 'Results']),
        app: (ctx) => run('voting', ctx, ['--listen', ctx.listenAddr(8080)], false),
      },
      {
        name: 'web',
        port: 8080,
        service: { name: 'web-svc', port: 80 },
        routes: [
          { name: 'GET /api/list', method: 'GET', pathRegex: '/api/list' },
          { name: 'GET /api/vote', method: 'GET', pathRegex: '/api/vote' },
          { name: 'GET /api/leaderboard', method: 'GET', pathRegex: '/api/leaderboard' },
          { name: 'GET /', method: 'GET', pathRegex: '/(index\\.html)?' },
        ],
        app: (ctx) =>
          run(
            'web',
            ctx,
            [
              '--listen',
              ctx.listenAddr(8080),
              '--emoji-addr',
              ctx.serviceAddr('emoji'),
              '--voting-addr',
              ctx.serviceAddr('voting'),
            ],
            true,
          ),
      },
      {
        name: 'vote-bot',
        traffic: true,
        app: (ctx) =>
          run(
            'vote-bot',
            ctx,
            ['--web-addr', ctx.serviceAddr('web'), '--rate', String(options.rate ?? 5)],
            true,
          ),
      },
    ],
  };
}
