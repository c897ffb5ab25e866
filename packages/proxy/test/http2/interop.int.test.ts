import { once } from 'node:events';
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Http1Pool } from '../../src/http1/client-pool.js';
import { Http1ServerConnection } from '../../src/http1/server-connection.js';
import { Http2Pool } from '../../src/http2/client-pool.js';
import {
  closeServer,
  connectionInfo,
  type H2Listener,
  listen,
  listenH2,
  localConnector,
  payload,
  run,
  sha256,
} from './harness.js';

const BIG_UP = payload(3 * 1024 * 1024, 11);
const BIG_DOWN = payload(8 * 1024 * 1024, 12);

/**
 * The routes both backends serve, so that each direction is tested against the same behaviour.
 * `waits` counts how often a backend had to wait for the proxy to drain (backpressure).
 */
const stats = { h1Waits: 0, h2Waits: 0 };

function h1Backend(): http.Server {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      switch (req.url) {
        case '/fixed':
          res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '11' });
          res.end('fixed body!');
          return;
        case '/chunked':
          res.writeHead(200, { 'content-type': 'application/octet-stream' });
          for (let i = 0; i < 16; i++) res.write(BIG_UP.subarray(i * 65536, (i + 1) * 65536));
          res.end();
          return;
        case '/echo-sum':
          res.writeHead(200, {
            'x-method': req.method ?? '',
            'x-te': String(req.headers['transfer-encoding'] ?? ''),
            'x-cl': String(req.headers['content-length'] ?? ''),
            'x-trailer': JSON.stringify(req.trailers),
            'content-type': 'text/plain',
          });
          res.end(`${body.length} ${sha256(body)}`);
          return;
        case '/head':
          res.writeHead(200, { 'content-length': '4321', 'x-head': 'yes' });
          res.end();
          return;
        case '/204':
          res.writeHead(204);
          res.end();
          return;
        case '/304':
          res.writeHead(304, { etag: '"v1"' });
          res.end();
          return;
        case '/trailers':
          res.writeHead(200, { trailer: 'x-sum', 'content-type': 'text/plain' });
          res.write('with trailers');
          res.addTrailers({ 'x-sum': sha256('with trailers') });
          res.end();
          return;
        case '/big': {
          res.writeHead(200, { 'content-length': String(BIG_DOWN.length) });
          let offset = 0;
          const pump = () => {
            while (offset < BIG_DOWN.length) {
              const chunk = BIG_DOWN.subarray(offset, offset + 65536);
              offset += chunk.length;
              if (!res.write(chunk)) {
                stats.h1Waits++;
                res.once('drain', pump);
                return;
              }
            }
            res.end();
          };
          pump();
          return;
        }
        default:
          res.writeHead(404);
          res.end();
      }
    });
  });
  // An HTTP/1 CONNECT endpoint that echoes the tunnel upper-cased.
  server.on('connect', (req: http.IncomingMessage, socket: net.Socket) => {
    if (req.url !== 'tunnel.test:443') {
      socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    socket.on('data', (c: Buffer) => socket.write(c.toString().toUpperCase()));
    socket.on('end', () => socket.end());
  });
  return server;
}

function h2Backend(): http2.Http2Server {
  const server = http2.createServer();
  server.on('stream', (stream, headers) => {
    stream.on('error', () => {});
    const chunks: Buffer[] = [];
    let trailers: http2.IncomingHttpHeaders | undefined;
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('trailers', (t) => {
      trailers = t;
    });
    const done = () => {
      const body = Buffer.concat(chunks);
      switch (headers[':path']) {
        case '/fixed':
          stream.respond({ ':status': 200, 'content-type': 'text/plain', 'content-length': '11' });
          stream.end('fixed body!');
          return;
        case '/chunked':
          stream.respond({ ':status': 200, 'content-type': 'application/octet-stream' });
          for (let i = 0; i < 16; i++) stream.write(BIG_UP.subarray(i * 65536, (i + 1) * 65536));
          stream.end();
          return;
        case '/echo-sum':
          stream.respond({
            ':status': 200,
            'x-method': String(headers[':method']),
            'x-cl': String(headers['content-length'] ?? ''),
            'x-authority': String(headers[':authority']),
            'x-trailer': JSON.stringify(trailers?.['x-up'] ?? null),
          });
          stream.end(`${body.length} ${sha256(body)}`);
          return;
        case '/head':
          stream.respond({ ':status': 200, 'content-length': '4321', 'x-head': 'yes' }, { endStream: true });
          return;
        case '/204':
          stream.respond({ ':status': 204 }, { endStream: true });
          return;
        case '/304':
          stream.respond({ ':status': 304, etag: '"v1"' }, { endStream: true });
          return;
        case '/trailers':
          stream.respond({ ':status': 200, 'content-type': 'text/plain' }, { waitForTrailers: true });
          stream.on('wantTrailers', () => stream.sendTrailers({ 'x-sum': sha256('with trailers') }));
          stream.end('with trailers');
          return;
        case '/big': {
          stream.respond({ ':status': 200 });
          let offset = 0;
          const pump = () => {
            while (offset < BIG_DOWN.length) {
              const chunk = BIG_DOWN.subarray(offset, offset + 65536);
              offset += chunk.length;
              if (!stream.write(chunk)) {
                stats.h2Waits++;
                stream.once('drain', pump);
                return;
              }
            }
            stream.end();
          };
          pump();
          return;
        }
        default:
          stream.respond({ ':status': 404 }, { endStream: true });
      }
    };
    if (stream.readableEnded) done();
    else stream.on('end', done);
  });
  return server;
}

interface H2Res {
  headers: http2.IncomingHttpHeaders;
  body: Buffer;
  trailers: http2.IncomingHttpHeaders | undefined;
}

function h2Get(
  session: http2.ClientHttp2Session,
  headers: http2.OutgoingHttpHeaders,
  body?: Buffer,
  opts: { trailers?: http2.OutgoingHttpHeaders; slow?: boolean } = {},
): Promise<H2Res> {
  const req = session.request(headers, {
    endStream: body === undefined,
    waitForTrailers: opts.trailers !== undefined,
  });
  if (opts.trailers !== undefined) req.on('wantTrailers', () => req.sendTrailers(opts.trailers!));
  if (body !== undefined) req.end(body);
  const chunks: Buffer[] = [];
  const out: H2Res = { headers: {}, body: Buffer.alloc(0), trailers: undefined };
  req.on('response', (h) => {
    out.headers = h;
  });
  req.on('trailers', (t) => {
    out.trailers = t;
  });
  req.on('data', (c: Buffer) => {
    chunks.push(c);
    if (opts.slow) {
      req.pause();
      setTimeout(() => req.resume(), 1);
    }
  });
  return new Promise((resolve, reject) => {
    req.on('error', reject);
    req.on('end', () => {
      out.body = Buffer.concat(chunks);
      resolve(out);
    });
  });
}

describe('HTTP/2 client → serveHttp2 → Http1Pool → HTTP/1 backend', () => {
  let backend: http.Server;
  let h1pool: Http1Pool;
  let proxy: H2Listener;
  let client: http2.ClientHttp2Session;

  beforeAll(async () => {
    backend = h1Backend();
    const { port } = await listen(backend);
    h1pool = new Http1Pool({ connect: localConnector(port) });
    proxy = await listenH2(h1pool);
    client = http2.connect(`http://127.0.0.1:${proxy.port}`);
  });

  afterAll(async () => {
    client.close();
    await proxy.close();
    h1pool.close();
    await closeServer(backend);
  });

  test('content-length and chunked responses', async () => {
    const fixed = await h2Get(client, { ':path': '/fixed' });
    expect(fixed.headers[':status']).toBe(200);
    expect(fixed.headers['content-length']).toBe('11');
    expect(fixed.body.toString()).toBe('fixed body!');
    const chunked = await h2Get(client, { ':path': '/chunked' });
    expect(chunked.headers['transfer-encoding']).toBeUndefined();
    expect(sha256(chunked.body)).toBe(sha256(BIG_UP.subarray(0, 16 * 65536)));
  });

  test('request bodies: without content-length they go chunked, with it they keep it', async () => {
    const noCl = await h2Get(client, { ':method': 'POST', ':path': '/echo-sum' }, BIG_UP);
    expect(noCl.body.toString()).toBe(`${BIG_UP.length} ${sha256(BIG_UP)}`);
    expect(noCl.headers['x-te']).toBe('chunked');
    const withCl = await h2Get(
      client,
      { ':method': 'PUT', ':path': '/echo-sum', 'content-length': String(BIG_UP.length) },
      BIG_UP,
    );
    expect(withCl.body.toString()).toBe(`${BIG_UP.length} ${sha256(BIG_UP)}`);
    expect(withCl.headers['x-cl']).toBe(String(BIG_UP.length));
    expect(withCl.headers['x-method']).toBe('PUT');
  });

  test('HEAD, 204 and 304', async () => {
    const head = await h2Get(client, { ':method': 'HEAD', ':path': '/head' });
    expect(head.headers[':status']).toBe(200);
    expect(head.headers['content-length']).toBe('4321');
    expect(head.body.length).toBe(0);
    const noContent = await h2Get(client, { ':path': '/204' });
    expect(noContent.headers[':status']).toBe(204);
    const notModified = await h2Get(client, { ':path': '/304' });
    expect(notModified.headers[':status']).toBe(304);
    expect(notModified.headers.etag).toBe('"v1"');
  });

  test('trailers: HTTP/1 chunked trailers reach the HTTP/2 client, and the reverse', async () => {
    const res = await h2Get(client, { ':path': '/trailers' });
    expect(res.body.toString()).toBe('with trailers');
    expect(res.trailers?.['x-sum']).toBe(sha256('with trailers'));
    const up = await h2Get(
      client,
      { ':method': 'POST', ':path': '/echo-sum', trailer: 'x-up' },
      Buffer.from('body'),
      { trailers: { 'x-up': 'sent-as-trailer' } },
    );
    expect(JSON.parse(String(up.headers['x-trailer']))).toEqual({ 'x-up': 'sent-as-trailer' });
  });

  test('CONNECT over HTTP/2 becomes an HTTP/1 CONNECT tunnel', async () => {
    const tunnel = client.request(
      { ':method': 'CONNECT', ':authority': 'tunnel.test:443' },
      { endStream: false },
    );
    const [headers] = (await once(tunnel, 'response')) as [http2.IncomingHttpHeaders];
    expect(headers[':status']).toBe(200);
    tunnel.write('hello through the tunnel');
    const [echo] = (await once(tunnel, 'data')) as [Buffer];
    expect(echo.toString()).toBe('HELLO THROUGH THE TUNNEL');
    tunnel.close();
    const refused = await h2Get(client, { ':method': 'CONNECT', ':authority': 'elsewhere:443' });
    expect(refused.headers[':status']).toBe(403);
  });

  test('a slow HTTP/2 reader pushes back on the HTTP/1 backend; every byte arrives', async () => {
    const before = stats.h1Waits;
    const res = await h2Get(client, { ':path': '/big' }, undefined, { slow: true });
    expect(res.body.length).toBe(BIG_DOWN.length);
    expect(sha256(res.body)).toBe(sha256(BIG_DOWN));
    expect(stats.h1Waits - before).toBeGreaterThan(0);
  });
});

describe('HTTP/1 client → Http1ServerConnection → Http2Pool → HTTP/2 backend', () => {
  let backend: http2.Http2Server;
  let h2pool: Http2Pool;
  let proxy: net.Server;
  let port: number;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

  beforeAll(async () => {
    backend = h2Backend();
    const b = await listen(backend as unknown as net.Server);
    h2pool = new Http2Pool({ connect: localConnector(b.port), authority: `127.0.0.1:${b.port}` });
    proxy = net.createServer((socket) => {
      new Http1ServerConnection(socket, null, { dispatcher: h2pool, info: connectionInfo(socket) });
    });
    proxy.listen(0, '127.0.0.1');
    await once(proxy, 'listening');
    port = (proxy.address() as net.AddressInfo).port;
  });

  afterAll(async () => {
    agent.destroy();
    h2pool.close();
    await closeServer(proxy);
    await closeServer(backend as unknown as net.Server);
  });

  function h1(
    method: string,
    path: string,
    body?: Buffer,
    headers: http.OutgoingHttpHeaders = {},
    slow = false,
  ): Promise<{ res: http.IncomingMessage; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => {
          chunks.push(c);
          if (slow) {
            res.pause();
            setTimeout(() => res.resume(), 1);
          }
        });
        res.on('end', () => resolve({ res, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      if (body !== undefined) req.end(body);
      else req.end();
    });
  }

  test('content-length responses keep it; responses without one go chunked', async () => {
    const fixed = await h1('GET', '/fixed');
    expect(fixed.res.statusCode).toBe(200);
    expect(fixed.res.headers['content-length']).toBe('11');
    expect(fixed.body.toString()).toBe('fixed body!');
    const chunked = await h1('GET', '/chunked');
    expect(chunked.res.headers['transfer-encoding']).toBe('chunked');
    expect(sha256(chunked.body)).toBe(sha256(BIG_UP.subarray(0, 16 * 65536)));
  });

  test('chunked and content-length request bodies arrive whole; Host becomes :authority', async () => {
    const chunkedBody = await new Promise<{ res: http.IncomingMessage; body: Buffer }>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port, method: 'POST', path: '/echo-sum', agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ res, body: Buffer.concat(chunks) }));
        },
      );
      req.on('error', reject);
      for (let i = 0; i < BIG_UP.length; i += 100_000) req.write(BIG_UP.subarray(i, i + 100_000));
      req.end();
    });
    expect(chunkedBody.body.toString()).toBe(`${BIG_UP.length} ${sha256(BIG_UP)}`);
    expect(chunkedBody.res.headers['x-cl']).toBe('');
    expect(chunkedBody.res.headers['x-authority']).toBe(`127.0.0.1:${port}`);
    const withCl = await h1('PUT', '/echo-sum', BIG_UP, { 'content-length': BIG_UP.length });
    expect(withCl.body.toString()).toBe(`${BIG_UP.length} ${sha256(BIG_UP)}`);
    expect(withCl.res.headers['x-cl']).toBe(String(BIG_UP.length));
  });

  test('HEAD, 204 and 304 (curl, a second real client)', async () => {
    const head = await run('curl', ['-sS', '-I', `http://127.0.0.1:${port}/head`]);
    expect(head.stdout).toMatch(/^HTTP\/1\.1 200/);
    expect(head.stdout.toLowerCase()).toContain('content-length: 4321');
    const noContent = await h1('GET', '/204');
    expect(noContent.res.statusCode).toBe(204);
    expect(noContent.body.length).toBe(0);
    const notModified = await h1('GET', '/304');
    expect(notModified.res.statusCode).toBe(304);
    expect(notModified.res.headers.etag).toBe('"v1"');
    // The connection is still usable after body-less responses.
    expect((await h1('GET', '/fixed')).body.toString()).toBe('fixed body!');
  });

  test('HTTP/2 trailers reach the HTTP/1.1 client as chunked trailers', async () => {
    const res = await h1('GET', '/trailers', undefined, { te: 'trailers' });
    expect(res.body.toString()).toBe('with trailers');
    expect(res.res.trailers['x-sum']).toBe(sha256('with trailers'));
  });

  test('a slow HTTP/1 reader pushes back on the HTTP/2 backend; every byte arrives', async () => {
    const before = stats.h2Waits;
    const res = await h1('GET', '/big', undefined, {}, true);
    expect(res.body.length).toBe(BIG_DOWN.length);
    expect(sha256(res.body)).toBe(sha256(BIG_DOWN));
    expect(stats.h2Waits - before).toBeGreaterThan(0);
  });
});

describe('HTTP/2 client → serveHttp2 → Http2Pool → HTTP/2 backend', () => {
  test('an early answer from the upstream does not leave the uploading client stalled', async () => {
    const backend = http2.createServer();
    backend.on('stream', (stream) => {
      stream.on('error', () => {});
      // Refuse the upload at once, without reading it (as a 413 would), and stop the stream.
      stream.respond({ ':status': 413, 'content-length': '0' }, { endStream: true });
    });
    const b = await listen(backend as unknown as net.Server);
    const pool = new Http2Pool({ connect: localConnector(b.port), authority: `127.0.0.1:${b.port}` });
    const proxy = await listenH2(pool);
    const client = http2.connect(`http://127.0.0.1:${proxy.port}`);
    try {
      const req = client.request({ ':method': 'POST', ':path': '/upload' }, { endStream: false });
      req.on('error', () => {});
      const status = new Promise<number>((r) => req.on('response', (h) => r(Number(h[':status']))));
      const closed = new Promise<void>((r) => req.on('close', () => r()));
      req.end(BIG_UP);
      expect(await status).toBe(413);
      await closed;
      // The connection is still good for the next request.
      const next = await h2Get(client, { ':path': '/again' });
      expect(next.headers[':status']).toBe(413);
    } finally {
      client.close();
      await proxy.close();
      pool.close();
      await closeServer(backend as unknown as net.Server);
    }
  });
});
