import http from 'node:http';
import http2 from 'node:http2';
import type net from 'node:net';
import { describe, expect, test } from 'vitest';
import { Http1Pool } from '../../src/http1/client-pool.js';
import { Http2Pool } from '../../src/http2/client-pool.js';
import { closeServer, listen, listenH2, localConnector, run } from './harness.js';

/** Runs h2load and returns its counters. */
async function h2load(
  port: number,
  requests: number,
): Promise<{ succeeded: number; status2xx: number; raw: string }> {
  const r = await run(
    'h2load',
    ['-n', String(requests), '-c', '4', '-m', '10', `http://127.0.0.1:${port}/load`],
    60_000,
  );
  expect(r.code).toBe(0);
  const succeeded = Number(/requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded/.exec(r.stdout)?.[1]);
  const status2xx = Number(/status codes: (\d+) 2xx/.exec(r.stdout)?.[1]);
  return { succeeded, status2xx, raw: r.stdout };
}

describe('h2load through the proxy (a quick sanity check, not a benchmark)', () => {
  test('h2load → serveHttp2 → Http2Pool → HTTP/2 backend: every request 2xx', async () => {
    const backend = http2.createServer();
    backend.on('stream', (stream) => {
      stream.on('error', () => {});
      stream.respond({ ':status': 200, 'content-type': 'text/plain' });
      stream.end('hello from h2');
    });
    const b = await listen(backend as unknown as net.Server);
    const pool = new Http2Pool({ connect: localConnector(b.port), authority: `127.0.0.1:${b.port}` });
    const proxy = await listenH2(pool);
    try {
      const result = await h2load(proxy.port, 400);
      expect(result.succeeded, result.raw).toBe(400);
      expect(result.status2xx, result.raw).toBe(400);
    } finally {
      await proxy.close();
      pool.close();
      await closeServer(backend as unknown as net.Server);
    }
  });

  test('h2load → serveHttp2 → Http1Pool → HTTP/1 backend: every request 2xx', async () => {
    const backend = http.createServer((_req, res) => res.end('hello from h1'));
    const b = await listen(backend);
    const pool = new Http1Pool({ connect: localConnector(b.port) });
    const proxy = await listenH2(pool);
    try {
      const result = await h2load(proxy.port, 400);
      expect(result.succeeded, result.raw).toBe(400);
      expect(result.status2xx, result.raw).toBe(400);
    } finally {
      await proxy.close();
      pool.close();
      await closeServer(backend);
    }
  });
});
