import http2, { constants } from 'node:http2';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Dispatcher, FlowControl, HttpRequest, ResponseHandler } from '../../src/http/types.js';
import { type H2Listener, h2Peer, listenH2, run } from './harness.js';

/**
 * The upstream stand-in for attack tests: it answers `/slow` after a delay (so that streams
 * stay open long enough to be reset) and everything else at once, and records every exchange
 * with whether the proxy cancelled it.
 */
class CountingDispatcher implements Dispatcher {
  dispatched = 0;
  aborted = 0;
  completed = 0;

  dispatch(request: HttpRequest, handler: ResponseHandler): void {
    this.dispatched++;
    let done = false;
    const control: FlowControl = {
      pause() {},
      resume() {},
      abort: () => {
        if (!done) this.aborted++;
        done = true;
      },
    };
    handler.onStart(control);
    const respond = () => {
      if (done) return;
      done = true;
      this.completed++;
      const body = Buffer.from('ok');
      handler.onHead({
        status: 200,
        reason: '',
        headers: ['content-length', '2'],
        contentLength: 2,
        hasBody: true,
        version: 11,
      });
      handler.onData(body);
      handler.onEnd(null);
    };
    if (request.path === '/slow') {
      const timer = setInterval(() => {
        if (done) clearInterval(timer);
      }, 20);
      setTimeout(() => {
        clearInterval(timer);
        respond();
      }, 200);
    } else {
      respond();
    }
  }
}

let dispatcher: CountingDispatcher;
let listener: H2Listener;

beforeAll(async () => {
  dispatcher = new CountingDispatcher();
  listener = await listenH2(dispatcher);
});

afterAll(async () => {
  await listener.close();
});

/** A fresh, well-behaved client: the proxy must keep serving after each attack. */
async function stillServes(): Promise<void> {
  const r = await run('curl', [
    '-sS',
    '--http2-prior-knowledge',
    `http://127.0.0.1:${listener.port}/after-attack`,
  ]);
  expect(r.code).toBe(0);
  expect(r.stdout).toBe('ok');
}

function rssMiB(): number {
  return process.memoryUsage().rss / (1024 * 1024);
}

describe('HTTP/2 attacks: the connection is closed, memory stays bounded, others are served', () => {
  test('rapid reset (CVE-2023-44487) → GOAWAY(ENHANCE_YOUR_CALM), upstream work cancelled', async () => {
    const before = { dispatched: dispatcher.dispatched, aborted: dispatcher.aborted };
    const connectionsBefore = listener.connections.length;
    const r = await h2Peer(listener.port, 'rapid-reset', 2000);
    expect(r.goaway).toBe(constants.NGHTTP2_ENHANCE_YOUR_CALM);
    expect(r.eof).toBe(true);
    const conn = listener.connections[connectionsBefore]!;
    expect(conn.closeReason).toBe('rapid-reset');
    expect(conn.prematureResets).toBeGreaterThanOrEqual(100);
    // The attack was cut short: far fewer than 2000 streams reached the upstream, and none of
    // those left work behind.
    const dispatched = dispatcher.dispatched - before.dispatched;
    expect(conn.streams).toBeLessThan(2000);
    expect(dispatched).toBeLessThan(2000);
    expect(dispatcher.dispatched - dispatcher.completed - dispatcher.aborted).toBe(0);
    await stillServes();
  });

  test('clients that cancel some streams are not mistaken for an attack', async () => {
    const client = http2.connect(`http://127.0.0.1:${listener.port}`);
    client.on('error', () => {});
    let goaway = false;
    client.on('goaway', () => {
      goaway = true;
    });
    // 300 streams, every other one cancelled right away: 150 resets, half of all streams.
    const done: Promise<void>[] = [];
    for (let i = 0; i < 300; i++) {
      const req = client.request({ ':path': i % 2 === 0 ? '/' : '/slow' });
      req.on('error', () => {});
      req.resume();
      if (i % 2 === 1) req.close(constants.NGHTTP2_CANCEL);
      done.push(new Promise((r) => req.on('close', () => r())));
    }
    await Promise.all(done);
    const last = client.request({ ':path': '/' });
    last.resume();
    const headers = await new Promise<http2.IncomingHttpHeaders>((resolve) =>
      last.on('response', (h) => resolve(h)),
    );
    expect(headers[':status']).toBe(200);
    expect(goaway).toBe(false);
    client.close();
  });

  test('CONTINUATION flood (CVE-2024-27983) → GOAWAY and close before the flood ends', async () => {
    const rss = rssMiB();
    const r = await h2Peer(listener.port, 'continuation-flood', 5000);
    expect(r.goaway).not.toBeNull();
    expect(r.eof).toBe(true);
    expect(r.continuationsSent as number).toBeLessThan(5000);
    expect(rssMiB() - rss).toBeLessThan(64);
    await stillServes();
  });

  test('HPACK bomb: a small block that decodes to MBs is refused (ENHANCE_YOUR_CALM); the connection lives', async () => {
    const before = dispatcher.dispatched;
    const rss = rssMiB();
    const r = await h2Peer(listener.port, 'hpack-bomb', 20_000);
    expect(r.statuses['1']).toBe(200);
    expect(r.resets['3']).toBe(constants.NGHTTP2_ENHANCE_YOUR_CALM);
    // Only the harmless first request reached the upstream.
    expect(dispatcher.dispatched - before).toBe(1);
    expect(rssMiB() - rss).toBeLessThan(64);
    await stillServes();
  });

  test.each([
    ['settings-flood', 'SETTINGS'],
    ['ping-flood', 'PING'],
  ])('%s: %s frames whose ACKs are never read → GOAWAY and close', async (scenario) => {
    const r = await h2Peer(listener.port, scenario, 50_000);
    expect(r.goaway).not.toBeNull();
    expect(r.eof).toBe(true);
    await stillServes();
  });

  test('empty DATA frame flood → closed after the invalid-frame limit', async () => {
    const r = await h2Peer(listener.port, 'empty-data-flood', 20_000);
    expect(r.goaway).not.toBeNull();
    expect(r.eof).toBe(true);
    await stillServes();
  });

  test('a flood of malformed requests (each costing a reset) → closed', async () => {
    const r = await h2Peer(listener.port, 'malformed-flood', 5000);
    expect(r.eof).toBe(true);
    expect(r.resetCount as number).toBeLessThan(5000);
    await stillServes();
  });

  test.each(['conn', 'stream'])(
    'WINDOW_UPDATE past 2^31-1 (%s) → GOAWAY(FLOW_CONTROL_ERROR)',
    async (where) => {
      const r = await h2Peer(listener.port, 'window-overflow', where);
      expect(r.goaway).toBe(constants.NGHTTP2_FLOW_CONTROL_ERROR);
      expect(r.eof).toBe(true);
      await stillServes();
    },
  );

  test('every connection the attacks opened is gone', async () => {
    await stillServes();
    const open = listener.connections.filter((c) => !c.session.destroyed);
    // Only curl's last connection may still be closing.
    expect(open.length).toBeLessThanOrEqual(1);
  });
});
