import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type HttpServerSettings, readProxyConfig, SkeinProxy } from '@skein/proxy';

/** The authority attack traffic is sent to: the well-behaved application behind the proxy. */
export const APP_AUTHORITY = 'app.attack.test';
/** The same application, speaking HTTP/2 with prior knowledge (HTTP/2 clients' requests stay HTTP/2). */
export const H2_APP_AUTHORITY = 'h2.attack.test';
/** An authority whose upstream answers with broken HTTP/1 framing (see {@link EvilUpstream}). */
export const EVIL_AUTHORITY = 'evil.attack.test';

/** One request as the application received it. */
export interface AppRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * The application behind the proxy: an HTTP/1.1 server and an HTTP/2 (prior knowledge) server,
 * reached through {@link APP_AUTHORITY} and {@link H2_APP_AUTHORITY}. Both answer every request
 * with 200 and what they received, and keep the parsed requests; the HTTP/1 side also keeps every
 * raw byte the proxy sent it, so a test can prove that nothing smuggled ever reached it.
 */
export class AttackApp {
  readonly requests: AppRequest[] = [];
  readonly #raw: Buffer[] = [];
  readonly h1: http.Server;
  readonly h2: http2.Http2Server;

  constructor() {
    const handle = (
      req: http.IncomingMessage | http2.Http2ServerRequest,
      res: http.ServerResponse | http2.Http2ServerResponse,
    ) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('latin1');
        this.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            path: req.url,
            headers: req.headers,
            bodyBytes: Buffer.byteLength(body, 'latin1'),
          }),
        );
      });
    };
    this.h1 = http.createServer(handle);
    this.h1.on('connection', (socket: net.Socket) => socket.on('data', (c: Buffer) => this.#raw.push(c)));
    this.h2 = http2.createServer(handle);
    this.h2.on('session', (session: http2.ServerHttp2Session) => {
      this.#sessions.add(session);
      session.on('close', () => this.#sessions.delete(session));
    });
  }

  /** Everything the proxy wrote to the HTTP/1 application so far, as latin1 text. */
  rawText(): string {
    return Buffer.concat(this.#raw).toString('latin1');
  }

  /** Requests whose path starts with `prefix`. */
  seen(prefix: string): AppRequest[] {
    return this.requests.filter((r) => r.path.startsWith(prefix));
  }

  /** Starts both servers on ephemeral ports of `host`. */
  async listen(host = '127.0.0.1'): Promise<{ h1: number; h2: number }> {
    this.h1.listen(0, host);
    this.h2.listen(0, host);
    await Promise.all([once(this.h1, 'listening'), once(this.h2, 'listening')]);
    return { h1: (this.h1.address() as AddressInfo).port, h2: (this.h2.address() as AddressInfo).port };
  }

  /** Stops both servers and drops every connection. */
  async close(): Promise<void> {
    this.h1.closeAllConnections();
    await Promise.all([
      new Promise((r) => this.h1.close(r)),
      new Promise((r) => {
        this.h2.close(r);
        // Sessions kept alive by the proxy's pool would hold close() open.
        for (const s of this.#sessions) s.destroy();
      }),
    ]);
  }

  readonly #sessions = new Set<http2.ServerHttp2Session>();
}

/**
 * An upstream that answers each request with the raw response registered for its path (broken
 * framing, smuggled second responses…), and records whether the proxy closed the connection
 * afterwards, as it must after a response it cannot trust.
 */
export class EvilUpstream {
  readonly server: net.Server;
  readonly responses = new Map<string, string>();
  /** Per path: whether the proxy closed the upstream connection after the response. */
  readonly closedAfter = new Map<string, boolean>();
  /** Paths whose requests are never read past the head nor answered (a stalled upstream). */
  readonly stalled = new Set<string>();
  readonly #sockets = new Set<net.Socket>();
  readonly #stalledSockets = new Set<net.Socket>();

  constructor() {
    this.server = net.createServer((socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
      let head = '';
      socket.on('error', () => {});
      socket.on('data', (c: Buffer) => {
        head += c.toString('latin1');
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        const path = head.slice(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
        head = head.slice(end + 4);
        if (this.stalled.has(path)) {
          this.#stalledSockets.add(socket);
          socket.removeAllListeners('data');
          socket.pause();
          return;
        }
        this.closedAfter.set(path, false);
        socket.once('close', () => this.closedAfter.set(path, true));
        socket.write(this.responses.get(path) ?? 'HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
      });
    });
  }

  /** Resets the connections of stalled requests, as an upstream giving up would. */
  releaseStalled(): number {
    const n = this.#stalledSockets.size;
    for (const s of this.#stalledSockets) s.resetAndDestroy();
    this.#stalledSockets.clear();
    return n;
  }

  /** Stops listening and drops every connection. */
  close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A running in-process proxy with the attack application (and the evil upstream) behind it. */
export interface AttackTarget {
  proxy: SkeinProxy;
  /** The outbound listener (explicit mode: requests name the authority in Host / :authority). */
  port: number;
  /** The admin server. */
  adminPort: number;
  app: AttackApp;
  evil: EvilUpstream;
  /** Sum of `tcp_open_connections` on the outbound listener, from the admin server's /metrics. */
  openConnections(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Starts a real {@link SkeinProxy} (configured by `readProxyConfig`, static discovery) in front of
 * an {@link AttackApp} at {@link APP_AUTHORITY} and an {@link EvilUpstream} at
 * {@link EVIL_AUTHORITY}. `http` overrides server limits (e.g. a short header timeout).
 */
export async function startAttackTarget(
  options: { http?: Partial<HttpServerSettings>; env?: Record<string, string> } = {},
): Promise<AttackTarget> {
  const dir = mkdtempSync(join(tmpdir(), 'skein-attack-'));
  const app = new AttackApp();
  const evil = new EvilUpstream();
  evil.server.listen(0, '127.0.0.1');
  const [appPorts] = await Promise.all([app.listen(), once(evil.server, 'listening')]);
  const evilPort = (evil.server.address() as AddressInfo).port;
  const discovery = join(dir, 'discovery.yaml');
  writeFileSync(
    discovery,
    `authorities:
  ${APP_AUTHORITY}:80:
    endpoints: [ { address: "127.0.0.1:${appPorts.h1}" } ]
  ${H2_APP_AUTHORITY}:80:
    endpoints: [ { address: "127.0.0.1:${appPorts.h2}" } ]
  ${EVIL_AUTHORITY}:80:
    endpoints: [ { address: "127.0.0.1:${evilPort}" } ]
`,
  );
  const config = readProxyConfig({
    LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR: '127.0.0.1:0',
    LINKERD2_PROXY_INBOUND_LISTEN_ADDR: '127.0.0.1:0',
    LINKERD2_PROXY_ADMIN_LISTEN_ADDR: '127.0.0.1:0',
    SKEIN_PROXY_DISCOVERY_FILE: discovery,
    ...options.env,
  });
  const proxy = await SkeinProxy.start({
    config,
    ...(options.http === undefined ? {} : { http: options.http }),
  });
  const adminPort = proxy.addresses.admin.port;
  const port = proxy.addresses.outbound[0]!.port;
  return {
    proxy,
    port,
    adminPort,
    app,
    evil,
    openConnections: () => openConnections(adminPort, port),
    async close() {
      await proxy.shutdown(500);
      await Promise.all([app.close(), evil.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function openConnections(adminPort: number, listenerPort: number): Promise<number> {
  const text = await new Promise<string>((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: adminPort, path: '/metrics', agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
        });
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('tcp_open_connections{') || !line.includes('direction="outbound"')) continue;
    if (!line.includes(`target_port="${listenerPort}"`)) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}
