import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { queryPrometheus } from '../src/heartbeat/prometheus-query.js';
import { sendHeartbeat } from '../src/heartbeat/send-heartbeat.js';

const servers: http.Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

async function serve(handler: http.RequestListener): Promise<string> {
  const s = http.createServer(handler);
  servers.push(s);
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

async function closedPort(): Promise<string> {
  const s = http.createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  await new Promise((r) => s.close(r));
  return url;
}

describe('sendHeartbeat', () => {
  it('sends the report as query parameters of a GET', async () => {
    const seen: string[] = [];
    const base = await serve((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.end('{"stable":"x"}');
    });
    const result = await sendHeartbeat(`${base}/version.json`, [
      ['version', '0.1.0'],
      ['source', 'heartbeat'],
      ['ext-viz', '1'],
    ]);
    expect(result).toEqual({
      ok: true,
      status: 200,
      url: `${base}/version.json?version=0.1.0&source=heartbeat&ext-viz=1`,
    });
    expect(seen).toEqual(['GET /version.json?version=0.1.0&source=heartbeat&ext-viz=1']);
  });

  it('reports an unreachable endpoint without throwing', async () => {
    const url = await closedPort();
    const result = await sendHeartbeat(`${url}/version.json`, [['source', 'heartbeat']]);
    expect(result).toMatchObject({ ok: false, error: 'unreachable: ECONNREFUSED' });
  });

  it('gives up after the timeout when the endpoint never answers', async () => {
    const base = await serve(() => {
      // never answers
    });
    const started = Date.now();
    const result = await sendHeartbeat(base, [], { timeoutMs: 300 });
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.error).toMatch(/^timed out/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('reports an HTTP error status', async () => {
    const base = await serve((_req, res) => res.writeHead(503, 'Service Unavailable').end());
    expect(await sendHeartbeat(base, [])).toMatchObject({
      ok: false,
      status: 503,
      error: 'HTTP 503 Service Unavailable',
    });
  });

  it('refuses a malformed URL', async () => {
    expect(await sendHeartbeat('not a url', [])).toMatchObject({
      ok: false,
      error: 'invalid heartbeat URL "not a url"',
    });
  });
});

describe('queryPrometheus', () => {
  it('names the query and the problem when Prometheus is unreachable or answers an error', async () => {
    const url = await closedPort();
    await expect(queryPrometheus(url, 'up')).rejects.toThrow(`Prometheus query "up" at ${url}: fetch failed`);
    const base = await serve((_req, res) =>
      res
        .writeHead(400, { 'content-type': 'application/json' })
        .end('{"status":"error","error":"parse error at char 3"}'),
    );
    await expect(queryPrometheus(base, 'up{')).rejects.toThrow(
      `Prometheus query "up{" at ${base}: HTTP 400: parse error at char 3`,
    );
  });
});
