import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import net, { type AddressInfo, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Dispatcher, HeaderList, HttpRequest, ResponseHandler } from '../../src/http/types.js';
import {
  type Http2ServerConnection,
  type Http2ServerOptions,
  serveHttp2,
} from '../../src/http2/server-connection.js';
import type { ConnectionInfo } from '../../src/transport/connection-info.js';
import { tcpConnector } from '../../src/transport/connector.js';

let nextId = 1;

/** The ConnectionInfo of an accepted socket, as the proxy's listener would build it. */
export function connectionInfo(socket: Socket): ConnectionInfo {
  return {
    direction: 'outbound',
    remote: { ip: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 },
    local: { ip: socket.localAddress ?? '', port: socket.localPort ?? 0 },
    originalDst: undefined,
    tls: { kind: 'none', reason: 'loopback' },
    id: nextId++,
  };
}

/** A proxy listener serving HTTP/2 (prior knowledge) with `serveHttp2`. */
export interface H2Listener {
  server: Server;
  port: number;
  connections: Http2ServerConnection[];
  close(): Promise<void>;
}

/** Listens on an ephemeral port with `pauseOnConnect`, as the proxy's listeners do. */
export async function listenH2(
  dispatcher: Dispatcher,
  extra: Partial<Omit<Http2ServerOptions, 'dispatcher' | 'info'>> = {},
  allowHalfOpen = false,
): Promise<H2Listener> {
  const connections: Http2ServerConnection[] = [];
  const server = net.createServer({ pauseOnConnect: true, allowHalfOpen }, (socket) => {
    connections.push(serveHttp2(socket, { dispatcher, info: connectionInfo(socket), ...extra }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    server,
    port: (server.address() as AddressInfo).port,
    connections,
    async close() {
      for (const c of connections) c.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A local port nothing listens on (tcpmux): connecting is refused. A freshly closed ephemeral
 * port would not do, as a test running in parallel may bind it again.
 */
export const REFUSED_PORT = 1;

/** A connector to a local port. */
export function localConnector(port: number) {
  return tcpConnector({ host: '127.0.0.1', port, timeoutMs: 1000 });
}

/** Listens on an ephemeral port; resolves the server and its port. */
export async function listen<T extends Server>(server: T): Promise<{ server: T; port: number }> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port };
}

/** Closes a server, destroying its connections. */
export function closeServer(server: Server & { closeAllConnections?: () => void }): Promise<void> {
  server.closeAllConnections?.();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A response as a test dispatcher or client collects it. */
export interface Collected {
  status: number;
  headers: HeaderList;
  body: Buffer;
  trailers: HeaderList | null;
  informational: number[];
  error: Error | undefined;
}

/**
 * A ResponseHandler that collects a whole response (used to drive pools directly), resolving
 * when it ends or fails. `slow` pauses the producer on every chunk and resumes it later.
 */
export function collect(options: { slowMs?: number } = {}): {
  handler: ResponseHandler;
  done: Promise<Collected>;
} {
  const out: Collected = {
    status: 0,
    headers: [],
    body: Buffer.alloc(0),
    trailers: null,
    informational: [],
    error: undefined,
  };
  const chunks: Buffer[] = [];
  let resolve!: (c: Collected) => void;
  const done = new Promise<Collected>((r) => {
    resolve = r;
  });
  let control: { pause(): void; resume(): void } | undefined;
  const handler: ResponseHandler = {
    onStart(c) {
      control = c;
    },
    onInformational(status) {
      out.informational.push(status);
    },
    onHead(head) {
      out.status = head.status;
      out.headers = head.headers;
    },
    onData(chunk) {
      chunks.push(chunk);
      if (options.slowMs === undefined) return true;
      setTimeout(() => control?.resume(), options.slowMs);
      return false;
    },
    onEnd(trailers) {
      out.trailers = trailers;
      out.body = Buffer.concat(chunks);
      resolve(out);
    },
    onError(error) {
      out.error = error;
      out.body = Buffer.concat(chunks);
      resolve(out);
    },
  };
  return { handler, done };
}

/** A minimal HttpRequest for driving a pool directly. */
export function request(partial: Partial<HttpRequest> & { path: string }): HttpRequest {
  return {
    method: 'GET',
    scheme: 'http',
    authority: 'upstream.test',
    version: 20,
    headers: [],
    contentLength: -1,
    body: null,
    absoluteForm: false,
    upgrade: undefined,
    expectContinue: false,
    connection: {
      direction: 'outbound',
      remote: { ip: '127.0.0.1', port: 1 },
      local: { ip: '127.0.0.1', port: 2 },
      originalDst: undefined,
      tls: { kind: 'none', reason: 'loopback' },
      id: 0,
    },
    receivedAt: performance.now(),
    grpc: false,
    ...partial,
  };
}

/** sha256 of a buffer, hex. */
export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A deterministic pseudo-random buffer of `size` bytes. */
export function payload(size: number, seed = 1): Buffer {
  const buf = Buffer.allocUnsafe(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    buf[i] = x & 0xff;
  }
  return buf;
}

/** Runs a program; resolves stdout/stderr and the exit code (never rejects on a non-zero exit). */
export function run(
  file: string,
  args: string[],
  timeoutMs = 15_000,
): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      resolve({ stdout: String(stdout), stderr: String(stderr), code });
    });
  });
}

const PEER = fileURLToPath(new URL('./fixtures/h2-peer.py', import.meta.url));

/** What the hand-written HTTP/2 peer observed (see fixtures/h2-peer.py). */
export interface PeerResult {
  goaway: number | null;
  lastStreamId: number | null;
  resets: Record<string, number>;
  statuses: Record<string, number>;
  headers: Record<string, [string, string][][]>;
  eof: boolean;
  writeError: boolean;
  [extra: string]: unknown;
}

/** The python3 that has the `h2` package (the Debian one; pyenv shims may lack it). */
export const PYTHON = '/usr/bin/python3';

/** Runs one scenario of the hostile HTTP/2 peer against `port`. */
export async function h2Peer(port: number, scenario: string, arg?: string | number): Promise<PeerResult> {
  const args = [PEER, String(port), scenario];
  if (arg !== undefined) args.push(String(arg));
  const { stdout, stderr, code } = await run(PYTHON, args, 30_000);
  if (code !== 0) throw new Error(`h2-peer ${scenario} failed (${code}): ${stderr}`);
  return JSON.parse(stdout.trim().split('\n').pop()!) as PeerResult;
}
