import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http2, { constants } from 'node:http2';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterEach, describe, expect, test } from 'vitest';
import { UpstreamIoError } from '../../src/errors/proxy-errors.js';
import type { BodySink } from '../../src/http/request-body.js';
import type {
  Dispatcher,
  FlowControl,
  HeaderList,
  HttpRequest,
  ResponseHandler,
} from '../../src/http/types.js';
import { resolveHttp2ServerLimits } from '../../src/http2/limits.js';
import { serveHttp2 } from '../../src/http2/server-connection.js';
import { Http2StreamResetError } from '../../src/http2/stream-errors.js';
import { connectionInfo, type H2Listener, h2Peer, listenH2, payload, run, sha256 } from './harness.js';

/** What the dispatcher saw of one exchange. */
interface Seen {
  request: HttpRequest;
  handler: ResponseHandler;
  aborted: Error | undefined;
  body: Buffer[];
  bodyEnd: HeaderList | null | undefined;
  bodyError: Error | undefined;
  onResume?: () => void;
}

/**
 * A dispatcher whose behaviour each test scripts: it records every request and hands it to
 * `respond`. It stands for the proxy's upstream side, which is not under test here.
 */
class ScriptedDispatcher implements Dispatcher {
  readonly seen: Seen[] = [];
  respond: (seen: Seen) => void = (s) => okText(s.handler, 'ok');

  dispatch(request: HttpRequest, handler: ResponseHandler): void {
    const seen: Seen = {
      request,
      handler,
      aborted: undefined,
      body: [],
      bodyEnd: undefined,
      bodyError: undefined,
    };
    this.seen.push(seen);
    const control: FlowControl = {
      pause() {},
      resume() {
        seen.onResume?.();
      },
      abort(reason) {
        seen.aborted = reason;
      },
    };
    handler.onStart(control);
    this.respond(seen);
  }
}

function okText(handler: ResponseHandler, text: string, extra: HeaderList = []): void {
  const body = Buffer.from(text);
  handler.onHead({
    status: 200,
    reason: '',
    headers: ['content-type', 'text/plain', 'content-length', String(body.length), ...extra],
    contentLength: body.length,
    hasBody: true,
    version: 11,
  });
  handler.onData(body);
  handler.onEnd(null);
}

/** Reads the whole request body with a sink that returns `flowing` and records the outcome. */
function readBody(seen: Seen, onEnd: () => void, flowing = true): BodySink {
  const sink: BodySink = {
    onData(chunk) {
      seen.body.push(chunk);
      return flowing;
    },
    onEnd(trailers) {
      seen.bodyEnd = trailers;
      onEnd();
    },
    onError(error) {
      seen.bodyError = error;
    },
  };
  seen.request.body?.attach(sink);
  return sink;
}

function waitFor(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (check()) return resolve();
      if (performance.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 5);
    };
    tick();
  });
}

interface ClientResult {
  headers: http2.IncomingHttpHeaders & http2.IncomingHttpStatusHeader;
  flags: number;
  body: Buffer;
  trailers: http2.IncomingHttpHeaders | undefined;
  informational: number[];
  error: (Error & { code?: string }) | undefined;
  rstCode: number | undefined;
}

/** One request with a real node:http2 client. */
function h2Request(
  session: http2.ClientHttp2Session,
  headers: http2.OutgoingHttpHeaders,
  body?: Buffer,
  opts: { trailers?: http2.OutgoingHttpHeaders } = {},
): Promise<ClientResult> {
  const req = session.request(headers, {
    endStream: body === undefined,
    waitForTrailers: opts.trailers !== undefined,
  });
  const out: ClientResult = {
    headers: {},
    flags: 0,
    body: Buffer.alloc(0),
    trailers: undefined,
    informational: [],
    error: undefined,
    rstCode: undefined,
  };
  const chunks: Buffer[] = [];
  req.on('headers', (h) => out.informational.push(Number(h[':status'])));
  req.on('response', (h, flags) => {
    out.headers = h;
    out.flags = flags;
  });
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('trailers', (t) => {
    out.trailers = t;
  });
  req.on('error', (e) => {
    out.error = e;
  });
  if (opts.trailers !== undefined) req.on('wantTrailers', () => req.sendTrailers(opts.trailers!));
  if (body !== undefined) req.end(body);
  return new Promise((resolve) => {
    req.on('close', () => {
      out.body = Buffer.concat(chunks);
      out.rstCode = req.rstCode;
      resolve(out);
    });
  });
}

let listener: H2Listener | undefined;
let client: http2.ClientHttp2Session | undefined;
const dispatcher = () => new ScriptedDispatcher();

afterEach(async () => {
  client?.destroy();
  client = undefined;
  await listener?.close();
  listener = undefined;
});

async function setup(d: ScriptedDispatcher, extra: Parameters<typeof listenH2>[1] = {}) {
  listener = await listenH2(d, extra);
  client = http2.connect(`http://127.0.0.1:${listener.port}`);
  client.on('error', () => {});
  return { listener, client };
}

describe('serveHttp2: requests and responses', () => {
  test('curl (prior knowledge) gets a response; the request is converted field by field', async () => {
    const d = dispatcher();
    d.respond = (s) => okText(s.handler, 'hello over h2', ['x-upstream', 'yes']);
    const { listener } = await setup(d);
    const r = await run('curl', [
      '-sS',
      '-i',
      '--http2-prior-knowledge',
      '-H',
      'X-Custom: Value One',
      '-H',
      'TE: trailers',
      `http://127.0.0.1:${listener.port}/path/x?q=1`,
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^HTTP\/2 200/);
    expect(r.stdout).toContain('x-upstream: yes');
    expect(r.stdout).toMatch(/\r\n\r\nhello over h2$/);
    expect(d.seen).toHaveLength(1);
    const req = d.seen[0]!.request;
    expect(req.method).toBe('GET');
    expect(req.scheme).toBe('http');
    expect(req.authority).toBe(`127.0.0.1:${listener.port}`);
    expect(req.path).toBe('/path/x?q=1');
    expect(req.version).toBe(20);
    expect(req.body).toBeNull();
    expect(req.contentLength).toBe(-1);
    expect(req.grpc).toBe(false);
    expect(req.connection.remote.ip).toBe('127.0.0.1');
    // Lowercase names, no pseudo-headers, te: trailers kept for gRPC.
    expect(
      req.headers.filter((_, i) => i % 2 === 0).every((n) => n === n.toLowerCase() && !n.startsWith(':')),
    ).toBe(true);
    expect(req.headers).toContain('x-custom');
    expect(req.headers[req.headers.indexOf('x-custom') + 1]).toBe('Value One');
    expect(req.headers[req.headers.indexOf('te') + 1]).toBe('trailers');
  });

  test('a request body streams with flow control; request trailers arrive with its end', async () => {
    const d = dispatcher();
    let sink: BodySink | undefined;
    let finished!: () => void;
    const ended = new Promise<void>((r) => {
      finished = r;
    });
    d.respond = (s) => {
      // The upstream reads nothing at first: the client must be held by the stream window.
      sink = readBody(s, () => finished(), false);
    };
    const { client } = await setup(d);
    const big = payload(4 * 1024 * 1024);
    const done = h2Request(client, { ':method': 'POST', ':path': '/upload' }, big, {
      trailers: { 'x-sum': sha256(big) },
    });
    await waitFor(() => d.seen.length === 1 && d.seen[0]!.body.length > 0, 'first body chunk');
    const seen = d.seen[0]!;
    const received = () => seen.body.reduce((n, c) => n + c.length, 0);
    // While nobody reads, the client stays held by the stream window (64 KiB) plus what Node
    // buffers in the stream: give it time to push as much as it can, then look.
    await new Promise((r) => setTimeout(r, 200));
    expect(received()).toBeLessThanOrEqual(64 * 1024 + 64 * 1024);
    // Now read: everything arrives, with the trailers.
    const drain = setInterval(() => seen.request.body?.resume(), 1);
    await ended;
    clearInterval(drain);
    expect(sink).toBeDefined();
    expect(sha256(Buffer.concat(seen.body))).toBe(sha256(big));
    expect(seen.bodyEnd).toEqual(['x-sum', sha256(big)]);
    okText(seen.handler, 'stored');
    const res = await done;
    expect(res.headers[':status']).toBe(200);
    expect(res.body.toString()).toBe('stored');
  });

  test('response DATA with backpressure, then trailers (waitForTrailers)', async () => {
    const d = dispatcher();
    const body = payload(3 * 1024 * 1024, 7);
    let paused = 0;
    d.respond = (s) => {
      let offset = 0;
      s.handler.onHead({
        status: 200,
        reason: '',
        headers: ['content-type', 'application/octet-stream'],
        contentLength: -1,
        hasBody: true,
        version: 20,
      });
      const pump = () => {
        while (offset < body.length) {
          const chunk = body.subarray(offset, offset + 16384);
          offset += chunk.length;
          if (!s.handler.onData(chunk)) {
            paused++;
            return;
          }
        }
        s.handler.onEnd(['x-checksum', sha256(body)]);
      };
      // The exchange calls FlowControl.resume when the client stream drains.
      s.onResume = pump;
      pump();
    };
    const { client } = await setup(d);
    const res = await h2Request(client, { ':path': '/download' });
    expect(res.error).toBeUndefined();
    expect(res.headers[':status']).toBe(200);
    expect(sha256(res.body)).toBe(sha256(body));
    expect(res.trailers?.['x-checksum']).toBe(sha256(body));
    expect(paused).toBeGreaterThan(0);
  });

  test('1xx responses go out as informational HEADERS before the final head', async () => {
    const d = dispatcher();
    d.respond = (s) => {
      s.handler.onInformational?.(103, ['link', '</style.css>; rel=preload']);
      okText(s.handler, 'after hints');
    };
    const { client } = await setup(d);
    const res = await h2Request(client, { ':path': '/' });
    expect(res.informational).toEqual([103]);
    expect(res.headers[':status']).toBe(200);
    expect(res.body.toString()).toBe('after hints');
  });

  test('HEAD, 204 and 304 responses carry no DATA', async () => {
    const d = dispatcher();
    d.respond = (s) => {
      const status = s.request.method === 'HEAD' ? 200 : Number(s.request.path.slice(1));
      s.handler.onHead({
        status,
        reason: '',
        headers: s.request.method === 'HEAD' ? ['content-length', '1234'] : [],
        contentLength: 0,
        hasBody: false,
        version: 11,
      });
      s.handler.onEnd(null);
    };
    const { client } = await setup(d);
    const head = await h2Request(client, { ':method': 'HEAD', ':path': '/' });
    expect(head.headers[':status']).toBe(200);
    expect(head.headers['content-length']).toBe('1234');
    expect(head.body.length).toBe(0);
    expect(head.flags & constants.NGHTTP2_FLAG_END_STREAM).toBeTruthy();
    for (const status of [204, 304]) {
      const res = await h2Request(client, { ':path': `/${status}` });
      expect(res.headers[':status']).toBe(status);
      expect(res.body.length).toBe(0);
      expect(res.flags & constants.NGHTTP2_FLAG_END_STREAM).toBeTruthy();
    }
  });
});

describe('serveHttp2: errors', () => {
  test('an error before the head becomes the synthesized response; gRPC gets trailers-only', async () => {
    const d = dispatcher();
    d.respond = (s) => s.handler.onError(new UpstreamIoError('upstream connection closed'));
    const { client } = await setup(d);
    const plain = await h2Request(client, { ':path': '/' });
    expect(plain.headers[':status']).toBe(502);
    expect(plain.headers['l5d-proxy-error']).toBe('upstream connection closed');
    expect(plain.body.length).toBe(0);
    const grpc = await h2Request(
      client,
      {
        ':method': 'POST',
        ':path': '/pkg.Svc/Method',
        'content-type': 'application/grpc',
        te: 'trailers',
      },
      Buffer.from([0, 0, 0, 0, 0]),
    );
    expect(grpc.headers[':status']).toBe(200);
    expect(grpc.headers['grpc-status']).toBe('14');
    expect(grpc.headers['grpc-message']).toBe('upstream connection closed');
    // Trailers-only: the HEADERS frame ended the stream.
    expect(grpc.flags & constants.NGHTTP2_FLAG_END_STREAM).toBeTruthy();
  });

  test('an error after the head resets the stream; gRPC gets error trailers instead', async () => {
    const d = dispatcher();
    d.respond = (s) => {
      s.handler.onHead({
        status: 200,
        reason: '',
        headers: s.request.grpc ? ['content-type', 'application/grpc'] : [],
        contentLength: -1,
        hasBody: true,
        version: 20,
      });
      s.handler.onData(Buffer.from('partial'));
      setTimeout(() => s.handler.onError(new UpstreamIoError('upstream went away mid-body')), 20);
    };
    const { client } = await setup(d);
    const plain = await h2Request(client, { ':path': '/' });
    expect(plain.headers[':status']).toBe(200);
    expect(plain.rstCode).toBe(constants.NGHTTP2_INTERNAL_ERROR);
    const grpc = await h2Request(
      client,
      { ':method': 'POST', ':path': '/pkg.Svc/M', 'content-type': 'application/grpc' },
      Buffer.alloc(5),
    );
    expect(grpc.error).toBeUndefined();
    expect(grpc.trailers?.['grpc-status']).toBe('14');
    expect(grpc.trailers?.['grpc-message']).toBe('upstream went away mid-body');
  });

  test("an upstream's RST_STREAM is passed on with its code", async () => {
    const d = dispatcher();
    d.respond = (s) => s.handler.onError(new Http2StreamResetError(constants.NGHTTP2_REFUSED_STREAM, 'up'));
    const { client } = await setup(d);
    const res = await h2Request(client, { ':path': '/' });
    expect(res.rstCode).toBe(constants.NGHTTP2_REFUSED_STREAM);
  });

  test('a client RST_STREAM aborts the upstream exchange and fails the request body', async () => {
    const d = dispatcher();
    d.respond = (s) => {
      readBody(s, () => {});
      // A response head lets the peer know the request arrived before it resets the stream.
      s.handler.onHead({
        status: 200,
        reason: '',
        headers: [],
        contentLength: -1,
        hasBody: true,
        version: 20,
      });
    };
    const { listener } = await setup(d);
    const r = await h2Peer(listener.port, 'reset-upload');
    expect(r.statuses['1']).toBe(200);
    await waitFor(() => d.seen[0]?.aborted !== undefined, 'upstream abort');
    expect(d.seen[0]!.aborted!.message).toContain('CANCEL');
    expect(d.seen[0]!.bodyEnd).toBeUndefined();
    expect(d.seen[0]!.bodyError?.message).toContain('CANCEL');
  });
});

describe('serveHttp2: RFC 9113 §8.2 validation (hand-written frames)', () => {
  const rejected = [
    'connection',
    'keep-alive',
    'proxy-connection',
    'transfer-encoding',
    'upgrade',
    'te-gzip',
    'uppercase',
    'path-crlf',
    'path-space',
    'path-relative',
    'method-space',
    'authority-space',
    'no-path',
    'no-method',
    'no-scheme',
    'no-authority',
    'pseudo-after-regular',
    'unknown-pseudo',
    'duplicate-path',
  ];
  test.each(rejected)('%s → RST_STREAM(PROTOCOL_ERROR), never forwarded', async (c) => {
    const d = dispatcher();
    const { listener } = await setup(d);
    const r = await h2Peer(listener.port, 'validation', c);
    expect(r.resets['1']).toBe(constants.NGHTTP2_PROTOCOL_ERROR);
    expect(r.statuses['1']).toBeUndefined();
    expect(d.seen).toHaveLength(0);
  });

  test.each(['value-crlf', 'value-lf', 'value-nul', 'name-colon', 'name-space'])(
    '%s: nghttp2 drops the invalid field, so it never reaches the upstream',
    async (c) => {
      const d = dispatcher();
      const { listener } = await setup(d);
      const r = await h2Peer(listener.port, 'validation', c);
      expect(r.statuses['1']).toBe(200);
      expect(d.seen).toHaveLength(1);
      const headers = d.seen[0]!.request.headers;
      expect(headers.some((v) => /x-smuggle|x-bad|x-injected|\r|\n|\0/.test(v))).toBe(false);
    },
  );

  test('te: trailers is accepted; host without :authority gives the authority', async () => {
    const d = dispatcher();
    const { listener } = await setup(d);
    expect((await h2Peer(listener.port, 'validation', 'te-trailers')).statuses['1']).toBe(200);
    expect((await h2Peer(listener.port, 'validation', 'host-only')).statuses['1']).toBe(200);
    expect(d.seen[1]!.request.authority).toBe('upstream.test');
  });

  test.each([
    ['short', 'fewer bytes than content-length'],
    ['long', 'more bytes than content-length'],
    ['zero', 'DATA after content-length: 0'],
  ])('content-length %s (%s) → error, the body never completes upstream', async (c) => {
    const d = dispatcher();
    d.respond = (s) => readBody(s, () => {});
    const { listener } = await setup(d);
    const r = await h2Peer(listener.port, 'content-length', c);
    expect(r.statuses['1']).toBeUndefined();
    expect(r.resets['1'] === constants.NGHTTP2_PROTOCOL_ERROR || r.goaway !== null).toBe(true);
    for (const s of d.seen) {
      expect(s.bodyEnd).toBeUndefined();
      const got = s.body.reduce((n, b) => n + b.length, 0);
      expect(got).toBeLessThanOrEqual(s.request.contentLength);
    }
  });

  test('content-length matching the DATA is forwarded', async () => {
    const d = dispatcher();
    d.respond = (s) => readBody(s, () => okText(s.handler, 'got it'));
    const { listener } = await setup(d);
    const r = await h2Peer(listener.port, 'content-length', 'exact');
    expect(r.statuses['1']).toBe(200);
    expect(d.seen[0]!.request.contentLength).toBe(5);
    expect(Buffer.concat(d.seen[0]!.body).toString()).toBe('xxxxx');
  });

  test('a header list over the limit gets 431 even before the client acknowledged SETTINGS', async () => {
    const d = dispatcher();
    const { listener } = await setup(d, {
      limits: resolveHttp2ServerLimits({ maxHeaderListSize: 16 * 1024 }),
    });
    const r = await h2Peer(listener.port, 'large-headers-noack', 30_000);
    expect(r.statuses['1']).toBe(431);
    expect(d.seen).toHaveLength(0);
    // Once SETTINGS are acknowledged nghttp2 enforces the advertised size itself.
    const acked = await h2Peer(listener.port, 'large-headers', 30_000);
    expect(acked.resets['1']).toBe(constants.NGHTTP2_ENHANCE_YOUR_CALM);
    expect(d.seen).toHaveLength(0);
  });
});

describe('serveHttp2: connection handling', () => {
  test('advertises the limits: 100 streams, 64 KiB stream window, 1 MiB connection window, 64 KiB header list', async () => {
    const d = dispatcher();
    const { client } = await setup(d);
    await h2Request(client, { ':path': '/' });
    expect(client.remoteSettings).toMatchObject({
      maxConcurrentStreams: 100,
      initialWindowSize: 65_535,
      maxHeaderListSize: 65_536,
      enablePush: false,
    });
    // The proxy's connection receive window is the client's send window.
    expect(client.state.remoteWindowSize).toBe(1024 * 1024);
  });

  test('drain() sends GOAWAY; the stream in flight finishes, then the connection closes', async () => {
    const d = dispatcher();
    const held: Seen[] = [];
    d.respond = (s) => held.push(s);
    const { listener, client } = await setup(d);
    const inflight = h2Request(client, { ':path': '/slow' });
    await waitFor(() => held.length === 1, 'request to arrive');
    const goaway = once(client, 'goaway');
    const closed = new Promise<void>((r) => listener.connections[0]!.session.once('close', () => r()));
    listener.connections[0]!.drain();
    const [code] = await goaway;
    expect(code).toBe(constants.NGHTTP2_NO_ERROR);
    okText(held[0]!.handler, 'finished after GOAWAY');
    const res = await inflight;
    expect(res.headers[':status']).toBe(200);
    expect(res.body.toString()).toBe('finished after GOAWAY');
    await closed;
    expect(listener.connections[0]!.closeReason).toBe('drain');
  });

  test('a client FIN on a half-open socket: the stream in flight is answered, then the connection closes', async () => {
    const d = dispatcher();
    d.respond = (s) => setTimeout(() => okText(s.handler, 'answered after FIN'), 50);
    listener = await listenH2(d, {}, true);
    const r = await h2Peer(listener.port, 'half-close');
    expect(r.statuses['1']).toBe(200);
    expect(r.eof).toBe(true);
    await waitFor(() => listener!.connections[0]!.session.destroyed, 'session to close');
  });

  test('bytes already read by protocol detection are replayed in front of the socket', async () => {
    const d = dispatcher();
    const server = net.createServer((socket) => {
      // Detection that reads instead of peeking: take the first chunk, then hand over.
      socket.once('data', (first: Buffer) => {
        socket.pause();
        serveHttp2(socket, { dispatcher: d, info: connectionInfo(socket), initial: first });
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as net.AddressInfo).port;
    const r = await run('curl', ['-sS', '--http2-prior-knowledge', `http://127.0.0.1:${port}/replayed`]);
    server.close();
    expect(r.stdout).toBe('ok');
    expect(d.seen[0]!.request.path).toBe('/replayed');
  });

  test('serves HTTP/2 over TLS (ALPN h2) on a TLS socket', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skein-h2-tls-'));
    try {
      const gen = await run('openssl', [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ]);
      expect(gen.code).toBe(0);
      const d = dispatcher();
      d.respond = (s) => okText(s.handler, `tls ${s.request.scheme}`);
      const server = tls.createServer(
        {
          key: readFileSync(join(dir, 'key.pem')),
          cert: readFileSync(join(dir, 'cert.pem')),
          ALPNProtocols: ['h2'],
        },
        (socket) =>
          serveHttp2(socket as unknown as net.Socket, { dispatcher: d, info: connectionInfo(socket) }),
      );
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const port = (server.address() as net.AddressInfo).port;
      const r = await run('curl', ['-sS', '-k', '--http2', `https://localhost:${port}/secure`]);
      server.close();
      expect(r.stdout).toBe('tls https');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a connection stuck inside a header block is closed by the idle timeout', async () => {
    const d = dispatcher();
    const { listener } = await setup(d, { limits: resolveHttp2ServerLimits({ idleTimeoutMs: 300 }) });
    const r = await h2Peer(listener.port, 'stalled-headers');
    expect(r.eof).toBe(true);
    expect(r.waited).toBeLessThan(10);
    expect(d.seen).toHaveLength(0);
  });
});
