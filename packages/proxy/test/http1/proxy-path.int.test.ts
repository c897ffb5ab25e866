import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Http1Pool } from '../../src/http1/client-pool.js';
import { tcpConnector } from '../../src/transport/connector.js';
import { rawExchange, startH1Proxy } from '../support/h1-proxy.js';

const run = promisify(execFile);

interface Backend {
  port: number;
  connections: number;
  server: http.Server;
}

async function startBackend(): Promise<Backend> {
  const backend: Backend = { port: 0, connections: 0, server: http.createServer() };
  const server = backend.server;
  server.keepAliveTimeout = 10_000;
  server.on('connection', () => backend.connections++);
  server.on('request', (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/echo') {
      const hash = createHash('sha256');
      let n = 0;
      req.on('data', (c: Buffer) => {
        hash.update(c);
        n += c.length;
      });
      req.on('end', () => {
        res.setHeader('x-body-sha256', hash.digest('hex'));
        res.setHeader('x-body-bytes', String(n));
        res.setHeader('x-received-headers', JSON.stringify(req.headers));
        res.setHeader('x-http-version', req.httpVersion);
        res.end(`${req.method} ${req.url}`);
      });
      return;
    }
    if (url.pathname === '/chunked-trailers') {
      res.setHeader('Trailer', 'X-Checksum');
      res.write('part1;');
      res.write('part2');
      res.addTrailers({ 'X-Checksum': 'abc123' });
      res.end();
      return;
    }
    if (url.pathname === '/status') {
      res.statusCode = Number(url.searchParams.get('code'));
      res.end();
      return;
    }
    if (url.pathname === '/big') {
      const size = Number(url.searchParams.get('bytes'));
      const block = Buffer.alloc(64 * 1024, 'x');
      let sent = 0;
      res.setHeader('content-length', String(size));
      const pump = () => {
        while (sent < size) {
          const n = Math.min(block.length, size - sent);
          sent += n;
          if (!res.write(block.subarray(0, n))) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      pump();
      return;
    }
    if (url.pathname === '/abort-mid-body') {
      res.setHeader('content-length', '1000');
      res.write('only a part');
      setTimeout(() => req.socket.destroy(), 20);
      return;
    }
    res.end('ok');
  });
  server.on('upgrade', (_req, socket, head) => {
    socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n');
    if (head.length > 0) socket.write(head);
    socket.pipe(socket);
  });
  server.on('connect', (_req, socket) => {
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    socket.pipe(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  backend.port = (server.address() as AddressInfo).port;
  return backend;
}

describe('HTTP/1 proxy path (server connection → pool → backend)', () => {
  let backend: Backend;
  let proxy: Awaited<ReturnType<typeof startH1Proxy>>;
  let pool: Http1Pool;

  beforeAll(async () => {
    backend = await startBackend();
    pool = new Http1Pool({
      connect: tcpConnector({ host: '127.0.0.1', port: backend.port, timeoutMs: 1000 }),
      defaultHost: `127.0.0.1:${backend.port}`,
    });
    proxy = await startH1Proxy(pool);
  });

  afterAll(async () => {
    pool.close();
    await proxy.close();
    backend.server.closeAllConnections();
    backend.server.close();
  });

  it('proxies a GET for curl and strips hop-by-hop headers', async () => {
    const { stdout } = await run('curl', [
      '-sS',
      '-D',
      '-',
      '-H',
      'Connection: keep-alive, X-Hop',
      '-H',
      'X-Hop: secret',
      '-H',
      'Keep-Alive: timeout=5',
      '-H',
      'X-End-To-End: yes',
      `http://127.0.0.1:${proxy.port}/echo?q=1`,
    ]);
    expect(stdout).toMatch(/^HTTP\/1.1 200 OK\r\n/);
    const received = JSON.parse(/x-received-headers: (.*)\r\n/.exec(stdout)![1]!) as Record<string, string>;
    expect(received['x-end-to-end']).toBe('yes');
    expect(received['x-hop']).toBeUndefined();
    expect(received['keep-alive']).toBeUndefined();
    expect(received.host).toBe(`127.0.0.1:${proxy.port}`);
    expect(stdout.endsWith('GET /echo?q=1')).toBe(true);
  });

  it('streams a 5 MB content-length request body intact', async () => {
    const body = randomBytes(5 * 1024 * 1024);
    const res = await fetch(`http://127.0.0.1:${proxy.port}/echo`, { method: 'POST', body });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-body-sha256')).toBe(createHash('sha256').update(body).digest('hex'));
    expect(res.headers.get('x-body-bytes')).toBe(String(body.length));
  });

  it('streams a chunked request body from curl intact', async () => {
    const { stdout } = await run('sh', [
      '-c',
      `head -c 300000 /dev/zero | tr '\\0' 'a' | curl -sS -D - -H 'Transfer-Encoding: chunked' --data-binary @- http://127.0.0.1:${proxy.port}/echo`,
    ]);
    expect(stdout).toContain('x-body-bytes: 300000');
    expect(stdout).toContain(
      `x-body-sha256: ${createHash('sha256').update('a'.repeat(300000)).digest('hex')}`,
    );
  });

  it('passes chunked responses with trailers to HTTP/1.1 clients', async () => {
    const out = await rawExchange(
      proxy.port,
      'GET /chunked-trailers HTTP/1.1\r\nHost: x\r\nTE: trailers\r\n\r\n',
    );
    expect(out).toMatch(/transfer-encoding: chunked\r\n/);
    expect(out).toContain('6\r\npart1;\r\n5\r\npart2\r\n0\r\nx-checksum: abc123\r\n\r\n');
  });

  it('sends close-delimited bodies to HTTP/1.0 clients', async () => {
    const out = await rawExchange(proxy.port, 'GET /chunked-trailers HTTP/1.0\r\n\r\n');
    expect(out).toMatch(/^HTTP\/1.1 200 OK\r\n/);
    expect(out).toContain('connection: close');
    expect(out).not.toContain('transfer-encoding');
    expect(out.endsWith('\r\n\r\npart1;part2')).toBe(true);
  });

  it('handles HEAD, 204 and 304 without bodies, keeping the connection usable', async () => {
    const out = await rawExchange(
      proxy.port,
      'HEAD /big?bytes=100 HTTP/1.1\r\nHost: x\r\n\r\nGET /status?code=204 HTTP/1.1\r\nHost: x\r\n\r\nGET /status?code=304 HTTP/1.1\r\nHost: x\r\n\r\nGET /x HTTP/1.1\r\nHost: x\r\n\r\n',
    );
    const statuses = [...out.matchAll(/HTTP\/1.1 (\d{3})/g)].map((m) => m[1]);
    expect(statuses).toEqual(['200', '204', '304', '200']);
    expect(out).toContain('content-length: 100');
    expect(out.endsWith('\r\n\r\nok')).toBe(true);
  });

  it('answers pipelined requests in order on one connection and reuses upstream connections', async () => {
    const before = backend.connections;
    const reqs = Array.from({ length: 5 }, (_, i) => `GET /echo?n=${i} HTTP/1.1\r\nHost: x\r\n\r\n`).join('');
    const out = await rawExchange(proxy.port, reqs);
    const bodies = [...out.matchAll(/GET \/echo\?n=(\d)/g)].map((m) => m[1]);
    expect(bodies).toEqual(['0', '1', '2', '3', '4']);
    expect(backend.connections - before).toBeLessThanOrEqual(1);
  });

  it('relays 100 Continue for Expect: 100-continue', async () => {
    const { stdout, stderr } = await run('curl', [
      '-sS',
      '-v',
      '-H',
      'Expect: 100-continue',
      '--data-binary',
      'x'.repeat(2000),
      `http://127.0.0.1:${proxy.port}/echo`,
    ]);
    expect(stderr).toContain('HTTP/1.1 100 Continue');
    expect(stdout).toBe('POST /echo');
  });

  it('switches protocols for an upgrade and tunnels bytes both ways', async () => {
    const socket = net.connect(proxy.port, '127.0.0.1');
    await once(socket, 'connect');
    socket.write('GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\nearly');
    let received = '';
    socket.on('data', (c) => {
      received += c.toString('latin1');
    });
    await new Promise((r) => setTimeout(r, 100));
    socket.write('ping-pong');
    await new Promise((r) => setTimeout(r, 100));
    socket.destroy();
    expect(received).toMatch(/^HTTP\/1.1 101 Switching Protocols\r\n/);
    expect(received).toContain('earlyping-pong');
  });

  it('tunnels CONNECT', async () => {
    const out = await rawExchange(
      proxy.port,
      'CONNECT db.internal:5432 HTTP/1.1\r\nHost: db.internal:5432\r\n\r\nhello tunnel',
    );
    expect(out).toMatch(/^HTTP\/1.1 200 Connection Established\r\n\r\nhello tunnel$/);
  });

  it('applies backpressure: a client that does not read stalls the backend instead of buffering', async () => {
    const socket = net.connect(proxy.port, '127.0.0.1');
    await once(socket, 'connect');
    socket.pause();
    socket.write('GET /big?bytes=209715200 HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((r) => setTimeout(r, 500));
    const rss = process.memoryUsage().rss;
    await new Promise((r) => setTimeout(r, 500));
    // Nothing is read by the client: memory must not grow by the size of the response.
    expect(process.memoryUsage().rss - rss).toBeLessThan(50 * 1024 * 1024);
    let got = 0;
    socket.on('data', (c) => {
      got += c.length;
    });
    socket.resume();
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (got > 209715200) {
          clearInterval(check);
          resolve();
        }
      }, 20);
    });
    socket.destroy();
    expect(got).toBeGreaterThan(209715200);
  });

  it('answers 502 with l5d-proxy-error when the backend is down', async () => {
    const dead = net.createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const port = (dead.address() as AddressInfo).port;
    dead.close();
    const deadPool = new Http1Pool({ connect: tcpConnector({ host: '127.0.0.1', port, timeoutMs: 500 }) });
    const p = await startH1Proxy(deadPool);
    const out = await rawExchange(p.port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(out).toMatch(/^HTTP\/1.1 502 Bad Gateway\r\n/);
    expect(out).toMatch(/l5d-proxy-error: connect to 127.0.0.1:\d+ failed: connect ECONNREFUSED/);
    expect(out).toContain('connection: close');
    deadPool.close();
    await p.close();
  });

  it('answers 502 to an invalid upstream response and cuts a response that dies midway', async () => {
    const garbage = net.createServer((s) =>
      s.once('data', () =>
        s.end('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n'),
      ),
    );
    await new Promise<void>((r) => garbage.listen(0, '127.0.0.1', r));
    const gPool = new Http1Pool({
      connect: tcpConnector({
        host: '127.0.0.1',
        port: (garbage.address() as AddressInfo).port,
        timeoutMs: 500,
      }),
    });
    const p = await startH1Proxy(gPool);
    const out = await rawExchange(p.port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(out).toMatch(/^HTTP\/1.1 502 Bad Gateway\r\n/);
    expect(out).toContain('both Content-Length and Transfer-Encoding');
    gPool.close();
    await p.close();
    garbage.close();

    // Bare LF line endings: refused at once, not waited on (the head never ends in CRLF CRLF).
    const lfOnly = net.createServer((s) =>
      s.once('data', () => s.write('HTTP/1.1 200 OK\nContent-Length: 2\n\nok')),
    );
    await new Promise<void>((r) => lfOnly.listen(0, '127.0.0.1', r));
    const lfPool = new Http1Pool({
      connect: tcpConnector({
        host: '127.0.0.1',
        port: (lfOnly.address() as AddressInfo).port,
        timeoutMs: 500,
      }),
    });
    const lp = await startH1Proxy(lfPool);
    const lfOut = await rawExchange(lp.port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(lfOut).toMatch(/^HTTP\/1.1 502 Bad Gateway\r\n/);
    expect(lfOut).toContain('bare LF line endings');
    lfPool.close();
    await lp.close();
    lfOnly.close();

    const mid = await rawExchange(proxy.port, 'GET /abort-mid-body HTTP/1.1\r\nHost: x\r\n\r\n', 1000);
    expect(mid).toMatch(/^HTTP\/1.1 200 OK\r\n/);
    expect(mid.endsWith('only a part')).toBe(true);
  });
});

describe('HTTP/1 server connection refuses bad requests', () => {
  let proxy: Awaited<ReturnType<typeof startH1Proxy>>;
  let dispatched = 0;

  beforeAll(async () => {
    proxy = await startH1Proxy(
      {
        dispatch(req, handler) {
          dispatched++;
          handler.onStart({ pause() {}, resume() {}, abort() {} });
          const respond = () => {
            handler.onHead({
              status: 200,
              reason: '',
              headers: ['content-length', '2'],
              contentLength: 2,
              hasBody: true,
              version: 11,
            });
            handler.onData(Buffer.from('ok'));
            handler.onEnd(null);
          };
          if (req.body === null) {
            respond();
            return;
          }
          // Consume the body first, like an upstream that reads the request before answering.
          req.body.attach({ onData: () => true, onEnd: respond, onError: () => {} });
        },
      },
      { maxHeaderBytes: 16 * 1024 },
    );
  });

  afterAll(() => proxy.close());

  it('closes with 400 on a CL.TE smuggling attempt without dispatching', async () => {
    const before = dispatched;
    const out = await rawExchange(
      proxy.port,
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n',
    );
    expect(out).toMatch(/^HTTP\/1.1 400 Bad Request\r\n/);
    expect(out).toContain('connection: close');
    expect(out.match(/HTTP\/1.1/g)).toHaveLength(1);
    expect(dispatched).toBe(before);
  });

  it('answers 431 to a header block over 16 KiB and 414 to a long URI', async () => {
    const big = `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(17 * 1024)}\r\n\r\n`;
    expect(await rawExchange(proxy.port, big)).toMatch(/^HTTP\/1.1 431 /);
    const many = `GET / HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 101 }, (_, i) => `X-${i}: v\r\n`).join('')}\r\n`;
    expect(await rawExchange(proxy.port, many)).toMatch(/^HTTP\/1.1 431 /);
    expect(await rawExchange(proxy.port, `GET /${'a'.repeat(9000)} HTTP/1.1\r\nHost: x\r\n\r\n`)).toMatch(
      /^HTTP\/1.1 414 /,
    );
    // A 414 is also given when the request line alone is too long and never ends.
    expect(await rawExchange(proxy.port, `GET /${'a'.repeat(20000)}`)).toMatch(/^HTTP\/1.1 414 /);
  });

  it('answers 400 to a bad chunk size and closes', async () => {
    const out = await rawExchange(
      proxy.port,
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n',
    );
    expect(out).toMatch(/^HTTP\/1.1 400 Bad Request\r\n/);
    expect(out).toContain('invalid chunked body: chunk size missing');
    expect(out.match(/HTTP\/1.1/g)).toHaveLength(1);
  });

  it('answers 408 when a request head does not complete in time', async () => {
    const socket = net.connect(proxy.port, '127.0.0.1');
    await once(socket, 'connect');
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n');
    let out = '';
    socket.on('data', (c) => {
      out += c.toString();
    });
    await new Promise((r) => setTimeout(r, 50));
    for (const c of proxy.connections) c.checkTimeouts(performance.now(), 10, 60_000);
    await once(socket, 'close');
    expect(out).toMatch(/^HTTP\/1.1 408 Request Timeout\r\n/);
  });

  it('answers 408 when a request body does not complete within the request deadline, failing the upstream body', async () => {
    let bodyError: Error | undefined;
    const waiting = await startH1Proxy({
      dispatch(req, handler) {
        handler.onStart({ pause() {}, resume() {}, abort() {} });
        req.body?.attach({
          onData: () => true,
          onEnd: () => {},
          onError: (err) => {
            bodyError = err;
          },
        });
      },
    });
    try {
      const socket = net.connect(waiting.port, '127.0.0.1');
      await once(socket, 'connect');
      socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789');
      let out = '';
      socket.on('data', (c) => {
        out += c.toString();
      });
      socket.on('error', () => {});
      await new Promise((r) => setTimeout(r, 50));
      // Well inside the deadline nothing happens; past it, 408 and close.
      for (const c of waiting.connections) c.checkTimeouts(performance.now(), 10, 60_000, 60_000);
      expect(out).toBe('');
      for (const c of waiting.connections) c.checkTimeouts(performance.now(), 10, 60_000, 10);
      await once(socket, 'close');
      expect(out).toMatch(/^HTTP\/1.1 408 Request Timeout\r\n/);
      expect(bodyError?.message).toMatch(/request body not received within 10ms/);
    } finally {
      await waiting.close();
    }
  });

  it('keeps serving other clients while one misbehaves', async () => {
    const bad = net.connect(proxy.port, '127.0.0.1');
    bad.write('GET / HTTP/1.1\r\nHost: x\r\nX: ');
    const good = await rawExchange(proxy.port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(good).toMatch(/^HTTP\/1.1 200 OK\r\n[\s\S]*ok$/);
    bad.destroy();
  });
});
