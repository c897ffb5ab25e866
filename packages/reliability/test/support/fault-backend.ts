import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Options of {@link startBackend}. */
export interface BackendOptions {
  /** Name returned in the `x-backend` header and the body, so the client knows who answered. */
  name: string;
  /** Address to bind (a loopback address such as 127.77.1.3, so endpoints can share a port). */
  host?: string;
  /** Port to bind; 0 picks one. */
  port?: number;
  /** Delay before answering (ms), as a real service takes time; default 0. */
  delayMs?: number;
  /** Per-path delays (ms), e.g. `{ '/slow': 1500 }`. */
  pathDelays?: Record<string, number>;
}

/**
 * An application server behind the proxy: answers 200 with its name after a delay, and counts
 * when it received each request, so a test can tell which endpoint served what and when.
 */
export interface Backend {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** `host:port`. */
  readonly address: string;
  /** Arrival times (`performance.now()`) of every request, in order. */
  readonly arrivals: number[];
  /** Requests received but not answered yet. */
  readonly inFlight: number;
  /** Request ids (`x-request-id`) the backend received. */
  readonly seenIds: Set<string>;
  /** When true, requests are read and never answered (a deadlocked application). */
  hanging: boolean;
  /**
   * Stops as a terminating pod does: no new connections, requests in progress are answered,
   * idle keep-alive connections are closed. Resolves once every connection is gone.
   */
  close(): Promise<void>;
  /** Drops every connection at once (a crashed process). */
  kill(): Promise<void>;
}

/** Starts a {@link Backend}. */
export async function startBackend(options: BackendOptions): Promise<Backend> {
  const host = options.host ?? '127.0.0.1';
  const arrivals: number[] = [];
  const seenIds = new Set<string>();
  let inFlight = 0;
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    arrivals.push(performance.now());
    const id = req.headers['x-request-id'];
    if (typeof id === 'string') seenIds.add(id);
    inFlight++;
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const delay = options.pathDelays?.[path] ?? options.delayMs ?? 0;
    req.resume();
    if (backend.hanging) return;
    const answer = () => {
      inFlight--;
      res.writeHead(200, { 'x-backend': options.name, 'content-type': 'text/plain' });
      res.end(options.name);
      // Once closing, keep-alive connections are shut as soon as they go idle.
      if (!server.listening) res.once('finish', () => server.closeIdleConnections());
    };
    if (delay > 0) setTimeout(answer, delay);
    else answer();
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  server.listen(options.port ?? 0, host);
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  const backend: Backend = {
    hanging: false,
    name: options.name,
    host,
    port,
    address: `${host}:${port}`,
    arrivals,
    seenIds,
    get inFlight() {
      return inFlight;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      return closing;
    },
    kill() {
      for (const s of sockets) s.destroy();
      return this.close();
    },
  };
  return backend;
}

/** Arrivals at `backend` after time `t` (`performance.now()` clock). */
export function arrivalsAfter(backend: Backend, t: number): number {
  let n = 0;
  for (let i = backend.arrivals.length - 1; i >= 0 && backend.arrivals[i]! > t; i--) n++;
  return n;
}
