import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { HostPort, Upstream } from './address.ts';
import { EmojiClient, isServiceError, VotingClient } from './grpc-clients.ts';
import { INDEX_HTML } from './web-page.ts';

/** Options of {@link startWebServer}. */
export interface WebServerOptions {
  readonly listen: HostPort;
  /** Where `EmojiService` is. */
  readonly emoji: Upstream;
  /** Where `VotingService` is. */
  readonly voting: Upstream;
}

/** The running front end. */
export interface WebServer {
  readonly port: number;
  close(): Promise<void>;
}

/** One JSON answer. */
interface Reply {
  readonly status: number;
  readonly body: unknown;
}

/** How a failed gRPC call shows to the browser: unreachable → 502, too slow → 504, else 500. */
function upstreamFailure(what: string, err: unknown): Reply {
  if (!isServiceError(err)) return { status: 500, body: { error: `${what}: ${String(err)}` } };
  const status =
    err.code === GrpcStatus.UNAVAILABLE ? 502 : err.code === GrpcStatus.DEADLINE_EXCEEDED ? 504 : 500;
  return { status, body: { error: `${what}: ${err.details || err.message}` } };
}

/**
 * Starts `web`: the page at `/` and a JSON API over the two gRPC services —
 * `GET /api/list` (emoji), `GET /api/vote?choice=:shortcode:` (emoji, then voting; 404 for an
 * unknown emoji, 500 when the vote fails), `GET /api/leaderboard` (voting, then emoji) — plus
 * `GET /ping` for probes.
 */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const emoji = new EmojiClient(options.emoji);
  const voting = new VotingClient(options.voting);

  const api = async (url: URL): Promise<Reply | undefined> => {
    switch (url.pathname) {
      case '/api/list':
        try {
          return { status: 200, body: await emoji.listAll() };
        } catch (err) {
          return upstreamFailure('listing emoji', err);
        }
      case '/api/vote': {
        const choice = url.searchParams.get('choice');
        if (choice === null || choice === '')
          return { status: 400, body: { error: 'choice: expected an emoji shortcode such as :rocket:' } };
        let found: Awaited<ReturnType<EmojiClient['find']>>;
        try {
          found = await emoji.find(choice);
        } catch (err) {
          return upstreamFailure('finding the emoji', err);
        }
        if (found === undefined)
          return { status: 404, body: { error: `no emoji ${JSON.stringify(choice)}` } };
        try {
          await voting.vote(found.shortcode);
        } catch (err) {
          return upstreamFailure(`voting for ${found.shortcode}`, err);
        }
        return { status: 200, body: { voted: found.shortcode } };
      }
      case '/api/leaderboard':
        try {
          const [results, list] = await Promise.all([voting.results(), emoji.listAll()]);
          const unicode = new Map(list.map((e) => [e.shortcode, e.unicode]));
          return {
            status: 200,
            body: results.map((r) => ({ ...r, unicode: unicode.get(r.shortcode) ?? '?' })),
          };
        } catch (err) {
          return upstreamFailure('reading the leaderboard', err);
        }
      default:
        return undefined;
    }
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://web');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `method ${req.method} not allowed: GET or HEAD` }));
      return;
    }
    if (url.pathname === '/' || url.pathname === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(INDEX_HTML);
      return;
    }
    if (url.pathname === '/ping') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('pong\n');
      return;
    }
    api(url).then(
      (reply) => {
        const { status, body } = reply ?? { status: 404, body: { error: `no page ${url.pathname}` } };
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      },
      (err: unknown) => res.writeHead(500).end(String(err)),
    );
  });
  server.listen(options.listen.port, options.listen.host);
  try {
    await once(server, 'listening');
  } catch (err) {
    emoji.close();
    voting.close();
    throw err;
  }
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      emoji.close();
      voting.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
