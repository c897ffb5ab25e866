import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import http2, { constants } from 'node:http2';
import type net from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { ConnectError } from '../../src/errors/proxy-errors.js';
import { RequestBody } from '../../src/http/request-body.js';
import { Http2Pool } from '../../src/http2/client-pool.js';
import { Http2StreamResetError } from '../../src/http2/stream-errors.js';
import type { Connector } from '../../src/transport/connector.js';
import {
  closeServer,
  collect,
  listen,
  localConnector,
  PYTHON,
  payload,
  REFUSED_PORT,
  request,
  sha256,
} from './harness.js';

const servers: net.Server[] = [];
const pools: Http2Pool[] = [];

afterEach(async () => {
  for (const p of pools.splice(0)) p.close();
  for (const s of servers.splice(0)) await closeServer(s as http2.Http2Server & net.Server);
});

/** A real HTTP/2 backend (node:http2) whose stream handler each test provides. */
async function backend(
  onStream: (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, raw: string[]) => void,
  settings: http2.Settings = {},
) {
  const server = http2.createServer({ settings });
  const sessions: http2.ServerHttp2Session[] = [];
  const sockets: net.Socket[] = [];
  server.on('session', (s) => sessions.push(s));
  server.on('connection', (s: net.Socket) => sockets.push(s));
  server.on('stream', (stream, headers, _flags, raw) => {
    stream.on('error', () => {});
    onStream(stream, headers, raw);
  });
  const { port } = await listen(server as unknown as net.Server);
  servers.push(server as unknown as net.Server);
  return { server, port, sessions, sockets };
}

function pool(port: number, extra: Partial<ConstructorParameters<typeof Http2Pool>[0]> = {}) {
  const p = new Http2Pool({ connect: localConnector(port), authority: `127.0.0.1:${port}`, ...extra });
  pools.push(p);
  return p;
}

/** A request body fed by the test (the client side of the proxy). */
function bodyOf(data: Buffer, trailers: string[] | null = null): RequestBody {
  const body = new RequestBody({ pause() {}, resume() {} });
  setImmediate(() => {
    for (let i = 0; i < data.length; i += 32 * 1024) body.push(data.subarray(i, i + 32 * 1024));
    body.end(trailers);
  });
  return body;
}

describe('Http2Pool: requests over one HTTP/2 session', () => {
  test('converts the request (host → :authority, te: trailers kept) and the response head', async () => {
    let seen: { headers: http2.IncomingHttpHeaders; raw: string[] } | undefined;
    const b = await backend((stream, headers, raw) => {
      seen = { headers, raw };
      stream.respond({ ':status': 201, 'content-length': '5', 'x-b': 'yes' });
      stream.end('hello');
    });
    const p = pool(b.port);
    const { handler, done } = collect();
    p.dispatch(
      request({
        method: 'GET',
        path: '/a?b=c',
        authority: '',
        headers: ['host', 'example.test:8080', 'te', 'trailers', 'x-custom', 'one', 'x-custom', 'two'],
        version: 11,
      }),
      handler,
    );
    const res = await done;
    expect(res.error).toBeUndefined();
    expect(res.status).toBe(201);
    expect(res.headers).toContain('x-b');
    expect(res.body.toString()).toBe('hello');
    expect(seen!.headers[':authority']).toBe('example.test:8080');
    expect(seen!.headers[':path']).toBe('/a?b=c');
    expect(seen!.headers[':scheme']).toBe('http');
    expect(seen!.headers.host).toBeUndefined();
    expect(seen!.headers.te).toBe('trailers');
    expect(seen!.raw.filter((v, i) => i % 2 === 0 && v === 'x-custom')).toHaveLength(2);
    // Client windows per spec: 65,535 per stream, 1 MiB for the connection.
    const session = b.sessions[0]!;
    expect(session.remoteSettings.initialWindowSize).toBe(65_535);
    // (less the 5 response bytes the client has not acknowledged yet)
    expect(session.state.remoteWindowSize).toBeGreaterThan(1024 * 1024 - 1024);
  });

  test('contentLength comes from content-length, else -1; a body-less response ends in its HEADERS', async () => {
    const b = await backend((stream, headers) => {
      if (headers[':path'] === '/cl') {
        stream.respond({ ':status': 200, 'content-length': '3' });
        stream.end('abc');
      } else if (headers[':path'] === '/empty') {
        stream.respond({ ':status': 200 }, { endStream: true });
      } else {
        stream.respond({ ':status': 200 });
        stream.end('streamed');
      }
    });
    const p = pool(b.port);
    const heads: number[] = [];
    for (const path of ['/cl', '/chunked', '/empty']) {
      const { handler, done } = collect();
      const wrapped = {
        ...handler,
        onHead: (h: Parameters<typeof handler.onHead>[0]) => {
          heads.push(h.contentLength);
          handler.onHead(h);
        },
      };
      p.dispatch(request({ path }), wrapped);
      const res = await done;
      expect(res.error).toBeUndefined();
    }
    expect(heads).toEqual([3, -1, 0]);
    expect(b.sessions).toHaveLength(1);
  });

  test('streams a large request body and a large response, with trailers both ways', async () => {
    const up = payload(3 * 1024 * 1024, 3);
    const down = payload(2 * 1024 * 1024, 4);
    let received: Buffer | undefined;
    let requestTrailers: http2.IncomingHttpHeaders | undefined;
    const b = await backend((stream) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('trailers', (t) => {
        requestTrailers = t;
      });
      stream.on('end', () => {
        received = Buffer.concat(chunks);
        stream.respond({ ':status': 200 }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'x-down-sum': sha256(down) }));
        stream.end(down);
      });
    });
    const p = pool(b.port);
    const { handler, done } = collect();
    p.dispatch(
      request({
        method: 'POST',
        path: '/upload',
        headers: ['trailer', 'x-up-sum'],
        body: bodyOf(up, ['x-up-sum', sha256(up)]),
      }),
      handler,
    );
    const res = await done;
    expect(res.error).toBeUndefined();
    expect(sha256(received!)).toBe(sha256(up));
    expect(requestTrailers?.['x-up-sum']).toBe(sha256(up));
    expect(sha256(res.body)).toBe(sha256(down));
    expect(res.trailers).toEqual(['x-down-sum', sha256(down)]);
  });

  test('a slow upstream reader pauses the request body at its source', async () => {
    const up = payload(4 * 1024 * 1024, 21);
    let reading = false;
    let upstreamStream: http2.ServerHttp2Stream | undefined;
    const b = await backend((stream) => {
      upstreamStream = stream;
      stream.pause(); // read nothing for now: the stream window fills
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        stream.respond({ ':status': 200 });
        stream.end(sha256(Buffer.concat(chunks)));
      });
    });
    const p = pool(b.port);
    let pauses = 0;
    let resumes = 0;
    let pushed = 0;
    let paused = false;
    const body = new RequestBody({
      pause() {
        pauses++;
        paused = true;
      },
      resume() {
        resumes++;
        paused = false;
        feed();
      },
    });
    // The client side of the proxy: push until paused, as a socket reader would.
    const feed = () => {
      while (!paused && pushed < up.length) {
        body.push(up.subarray(pushed, pushed + 16 * 1024));
        pushed += 16 * 1024;
      }
      if (pushed >= up.length) body.end(null);
    };
    const { handler, done } = collect();
    p.dispatch(request({ method: 'POST', path: '/slow-reader', body }), handler);
    feed();
    while (upstreamStream === undefined || pauses === 0) await new Promise((r) => setTimeout(r, 5));
    expect(paused).toBe(true);
    expect(pushed).toBeLessThan(up.length);
    reading = true;
    upstreamStream.resume();
    const res = await done;
    expect(reading).toBe(true);
    expect(res.body.toString()).toBe(sha256(up));
    expect(resumes).toBeGreaterThan(0);
  });

  test('1xx informational responses reach onInformational', async () => {
    const b = await backend((stream) => {
      stream.additionalHeaders({ ':status': 103, link: '</x>' });
      stream.respond({ ':status': 200 });
      stream.end('done');
    });
    const p = pool(b.port);
    const { handler, done } = collect();
    p.dispatch(request({ path: '/' }), handler);
    const res = await done;
    expect(res.informational).toEqual([103]);
    expect(res.status).toBe(200);
  });

  test('backpressure: a slow handler holds the upstream within the stream window', async () => {
    const body = payload(4 * 1024 * 1024, 9);
    let backendWaited = 0;
    const b = await backend((stream) => {
      stream.respond({ ':status': 200 });
      let offset = 0;
      const pump = () => {
        while (offset < body.length) {
          const chunk = body.subarray(offset, offset + 16 * 1024);
          offset += chunk.length;
          if (!stream.write(chunk)) {
            backendWaited++;
            stream.once('drain', pump);
            return;
          }
        }
        stream.end();
      };
      pump();
    });
    const p = pool(b.port);
    const { handler, done } = collect({ slowMs: 1 });
    p.dispatch(request({ path: '/big' }), handler);
    const res = await done;
    expect(res.error).toBeUndefined();
    expect(sha256(res.body)).toBe(sha256(body));
    // The backend had to wait for WINDOW_UPDATEs the paused handler held back.
    expect(backendWaited).toBeGreaterThan(0);
  });
});

describe('Http2Pool: concurrency, GOAWAY and resets', () => {
  test("respects the peer's SETTINGS_MAX_CONCURRENT_STREAMS, queueing the rest on one session", async () => {
    let open = 0;
    let maxOpen = 0;
    const b = await backend(
      (stream) => {
        open++;
        maxOpen = Math.max(maxOpen, open);
        setTimeout(() => {
          stream.respond({ ':status': 200 });
          stream.end('x');
          open--;
        }, 20);
      },
      { maxConcurrentStreams: 2 },
    );
    const p = pool(b.port);
    // Let the session learn the peer's settings first.
    const first = collect();
    p.dispatch(request({ path: '/warm' }), first.handler);
    await first.done;
    const all = Array.from({ length: 10 }, (_, i) => {
      const c = collect();
      p.dispatch(request({ path: `/${i}` }), c.handler);
      return c.done;
    });
    expect(p.pending).toBeGreaterThan(0);
    const results = await Promise.all(all);
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(maxOpen).toBeLessThanOrEqual(2);
    expect(b.sessions).toHaveLength(1);
  });

  test('after GOAWAY the stream in flight finishes and new requests go to a new session', async () => {
    const held: http2.ServerHttp2Stream[] = [];
    const b = await backend((stream, headers) => {
      if (headers[':path'] === '/hold') {
        held.push(stream);
        return;
      }
      stream.respond({ ':status': 200 });
      stream.end(`session ${b.sessions.indexOf(stream.session as http2.ServerHttp2Session)}`);
    });
    const p = pool(b.port);
    const inflight = collect();
    p.dispatch(request({ path: '/hold' }), inflight.handler);
    while (held.length === 0) await new Promise((r) => setTimeout(r, 5));
    const goaway = new Promise((r) => b.sessions[0]!.once('close', r));
    b.sessions[0]!.close(); // GOAWAY(NO_ERROR), then close once streams finish
    await new Promise((r) => setTimeout(r, 20));
    const next = collect();
    p.dispatch(request({ path: '/next' }), next.handler);
    expect((await next.done).body.toString()).toBe('session 1');
    held[0]!.respond({ ':status': 200 });
    held[0]!.end('finished on the old session');
    expect((await inflight.done).body.toString()).toBe('finished on the old session');
    await goaway;
    expect(b.sessions).toHaveLength(2);
  });

  test('after the upstream drops the connection, the next request opens a new session', async () => {
    const b = await backend((stream) => {
      stream.respond({ ':status': 200 });
      stream.end('ok');
      // The connection dies without a GOAWAY (a crash, a reset by a middlebox).
      if (b.sessions.length === 1) setImmediate(() => b.sockets[0]!.destroy());
    });
    const p = pool(b.port);
    const first = collect();
    p.dispatch(request({ path: '/1' }), first.handler);
    expect((await first.done).body.toString()).toBe('ok');
    while (p.sessions > 0) await new Promise((r) => setTimeout(r, 5));
    const second = collect();
    p.dispatch(request({ path: '/2' }), second.handler);
    expect((await second.done).body.toString()).toBe('ok');
    expect(b.sessions).toHaveLength(2);
    expect(p.isReady()).toBe(true);
  });

  test('a REFUSED_STREAM before any response is retried once when the body can be replayed', async () => {
    const bodies: string[] = [];
    const b = await backend((stream) => {
      const n = bodies.push('');
      stream.on('data', (c: Buffer) => {
        bodies[n - 1] += c.toString();
      });
      if (n === 1 || n === 3) {
        stream.close(constants.NGHTTP2_REFUSED_STREAM);
        return;
      }
      stream.on('end', () => {
        stream.respond({ ':status': 200 });
        stream.end(`attempt ${n} got ${bodies[n - 1]}`);
      });
    });
    const p = pool(b.port);
    // No body: always safe to send again.
    const get = collect();
    p.dispatch(request({ path: '/' }), get.handler);
    expect((await get.done).body.toString()).toBe('attempt 2 got ');
    // A body kept for replay (as the retry layer does with retain()) is sent again in full.
    const body = new RequestBody({ pause() {}, resume() {} });
    expect(body.retain(64 * 1024)).toBe(true);
    body.push(Buffer.from('payload'));
    body.end(null);
    const post = collect();
    p.dispatch(request({ method: 'POST', path: '/', body }), post.handler);
    expect((await post.done).body.toString()).toBe('attempt 4 got payload');
  });

  test('a refused stream whose body was already sent and not retained fails', async () => {
    const b = await backend((stream) => {
      stream.on('data', () => stream.close(constants.NGHTTP2_REFUSED_STREAM));
    });
    const p = pool(b.port);
    const { handler, done } = collect();
    p.dispatch(request({ method: 'POST', path: '/', body: bodyOf(Buffer.from('payload')) }), handler);
    const res = await done;
    expect(res.error).toBeInstanceOf(Http2StreamResetError);
    expect((res.error as Http2StreamResetError).http2Code).toBe(constants.NGHTTP2_REFUSED_STREAM);
  });

  test("an upstream RST_STREAM becomes Http2StreamResetError with the peer's code", async () => {
    const b = await backend((stream) => stream.close(constants.NGHTTP2_INTERNAL_ERROR));
    const p = pool(b.port);
    const { handler, done } = collect();
    p.dispatch(request({ path: '/' }), handler);
    const res = await done;
    expect(res.error).toBeInstanceOf(Http2StreamResetError);
    expect((res.error as Http2StreamResetError).http2Code).toBe(constants.NGHTTP2_INTERNAL_ERROR);
    expect(res.error!.message).toContain('INTERNAL_ERROR');
  });

  test('FlowControl.abort resets the upstream stream with CANCEL', async () => {
    let resolveSeen!: (code: number) => void;
    const seenCode = new Promise<number>((r) => {
      resolveSeen = r;
    });
    const b = await backend((stream) => {
      stream.respond({ ':status': 200 });
      stream.write('first');
      stream.on('close', () => resolveSeen(stream.rstCode));
    });
    const p = pool(b.port);
    let control: { abort(e: Error): void } | undefined;
    let gotData!: () => void;
    const data = new Promise<void>((r) => {
      gotData = r;
    });
    p.dispatch(request({ path: '/' }), {
      onStart: (c) => {
        control = c;
      },
      onHead() {},
      onData() {
        gotData();
        return true;
      },
      onEnd() {},
      onError() {},
    });
    await data;
    control!.abort(new Error('client went away'));
    expect(await seenCode).toBe(constants.NGHTTP2_CANCEL);
  });
});

describe('Http2Pool: connecting, readiness and backoff', () => {
  test('a failed connect fails the request, and the pool is not ready while it backs off', async () => {
    const port = REFUSED_PORT;
    let attempts = 0;
    const inner = localConnector(port);
    const counting: Connector = () => {
      attempts++;
      return inner();
    };
    let readyChanges = 0;
    const p = pool(port, {
      connect: counting,
      backoff: { minMs: 150, maxMs: 1000, jitter: 0 },
      onReadyChange: () => readyChanges++,
    });
    expect(p.isReady()).toBe(true);
    const first = collect();
    p.dispatch(request({ path: '/' }), first.handler);
    const r1 = await first.done;
    expect(r1.error).toBeInstanceOf(ConnectError);
    expect(p.isReady()).toBe(false);
    expect(readyChanges).toBe(1);
    // While backing off, requests fail fast without another connect attempt.
    const second = collect();
    p.dispatch(request({ path: '/' }), second.handler);
    expect((await second.done).error).toBeInstanceOf(ConnectError);
    expect(attempts).toBe(1);
    // When the backoff ends the pool is ready again (and says so).
    while (readyChanges < 2) await new Promise((r) => setTimeout(r, 10));
    expect(p.isReady()).toBe(true);
  });

  test('a peer that does not speak HTTP/2 fails the request and puts the pool in backoff', async () => {
    const h1 = http.createServer((_req, res) => res.end('I only speak HTTP/1'));
    const { port } = await listen(h1);
    servers.push(h1);
    const p = pool(port, { backoff: { minMs: 50, maxMs: 100, jitter: 0 } });
    const { handler, done } = collect();
    p.dispatch(request({ path: '/' }), handler);
    const res = await done;
    expect(res.error).toBeDefined();
    while (p.isReady()) await new Promise((r) => setTimeout(r, 5));
    expect(p.sessions).toBe(0);
  });

  test('HTTP/1.1 upgrade requests are refused with a clear error', async () => {
    const b = await backend((stream) => stream.respond({ ':status': 200 }, { endStream: true }));
    const p = pool(b.port);
    const { handler, done } = collect();
    p.dispatch(request({ path: '/ws', version: 11, upgrade: 'websocket' }), handler);
    expect((await done).error?.message).toContain('upgrade to websocket cannot be sent over HTTP/2');
  });

  test('drain() lets the stream in flight finish, refuses new requests, then closes the session', async () => {
    const held: http2.ServerHttp2Stream[] = [];
    const b = await backend((stream) => held.push(stream));
    const p = pool(b.port);
    const inflight = collect();
    p.dispatch(request({ path: '/' }), inflight.handler);
    while (held.length === 0) await new Promise((r) => setTimeout(r, 5));
    p.drain();
    expect(p.isReady()).toBe(false);
    const refused = collect();
    p.dispatch(request({ path: '/' }), refused.handler);
    expect((await refused.done).error?.message).toContain('closed');
    held[0]!.respond({ ':status': 200 });
    held[0]!.end('finished while draining');
    expect((await inflight.done).body.toString()).toBe('finished while draining');
    while (p.sessions > 0) await new Promise((r) => setTimeout(r, 5));
  });

  test('close() fails waiting requests and later ones', async () => {
    const b = await backend(() => {
      // never answers
    });
    const p = pool(b.port);
    const inflight = collect();
    p.dispatch(request({ path: '/' }), inflight.handler);
    while (p.activeStreams === 0) await new Promise((r) => setTimeout(r, 5));
    p.close();
    expect((await inflight.done).error).toBeDefined();
    const after = collect();
    p.dispatch(request({ path: '/' }), after.handler);
    expect((await after.done).error?.message).toContain('closed');
  });
});

describe('Http2Pool: response order', () => {
  const origins: ChildProcess[] = [];
  afterEach(() => {
    for (const o of origins.splice(0)) o.kill('SIGKILL');
  });

  test('body data that shares a read with the HEADERS frame is delivered after the head, never lost', async () => {
    const body = Buffer.alloc(1024, 'x');
    // An origin writing HEADERS and DATA in one write, so they usually arrive in one read:
    // node:http2 then delivers the stream's data before its 'response' event.
    const origin = spawn(PYTHON, [
      fileURLToPath(new URL('./fixtures/h2-origin.py', import.meta.url)),
      '1024',
    ]);
    origins.push(origin);
    const [line] = (await once(origin.stdout!, 'data')) as [Buffer];
    const p = pool(Number(line.toString().trim()));
    let outOfOrder = 0;
    let complete = 0;
    const one = () =>
      new Promise<void>((resolve) => {
        let head = false;
        const chunks: Buffer[] = [];
        p.dispatch(request({ method: 'GET', path: '/', authority: 'x', version: 20 }), {
          onStart() {},
          onHead() {
            head = true;
          },
          onData(chunk) {
            if (!head) outOfOrder++;
            chunks.push(chunk);
            return true;
          },
          onEnd() {
            if (head && Buffer.concat(chunks).equals(body)) complete++;
            resolve();
          },
          onError() {
            resolve();
          },
        });
      });
    for (let round = 0; round < 20; round++) await Promise.all(Array.from({ length: 50 }, one));
    expect(outOfOrder).toBe(0);
    expect(complete).toBe(1000);
  });
});
