import { recordReliability } from '@skein/testkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mib, retainedHeapMiB, startBystander, watchRss } from '../support/attack-measure.js';
import { floodBody, rawExchange } from '../support/attack-raw.js';
import {
  APP_AUTHORITY,
  type AttackTarget,
  EVIL_AUTHORITY,
  startAttackTarget,
} from '../support/attack-target.js';

// Oversized heads, numerous headers, long URIs and huge bodies against a real proxy (spec Part B1
// "Oversized headers", Part 0 "HTTP/1 limits": 16 KiB head, ≤ 100 fields → 431; URI ≤ 8 KiB →
// 414). Bodies are streamed, never buffered, so a huge body meets backpressure, not a 413.

const get = (path: string, headers: string[] = []) =>
  `GET ${path} HTTP/1.1\r\nHost: ${APP_AUTHORITY}\r\n${headers.map((h) => `${h}\r\n`).join('')}Connection: close\r\n\r\n`;
const many = (n: number) => Array.from({ length: n }, (_, i) => `X-H${i}: v`);

/** [id, expected status, request]. */
const LIMITS: [string, number, string][] = [
  ['head-over-16k', 431, get('/big-head', [`X-Big: ${'a'.repeat(17_000)}`])],
  ['headers-over-100', 431, get('/many-headers', many(101))],
  ['uri-over-8k', 414, get(`/${'u'.repeat(9_000)}`)],
  ['head-never-ends', 431, `GET /endless HTTP/1.1\r\nHost: ${APP_AUTHORITY}\r\n${many(4000).join('\r\n')}`],
  ['request-line-never-ends', 414, `GET /${'u'.repeat(20_000)}`],
];

/** Just inside the limits: must be served. */
const INSIDE: [string, string][] = [
  ['head-15k', get('/head-15k', [`X-Big: ${'a'.repeat(15_000)}`])],
  ['headers-98', get('/headers-98', many(98))],
  ['uri-8k', get(`/${'u'.repeat(8_000)}`)],
];

describe('HTTP/1 size limits against a real proxy', () => {
  let target: AttackTarget;
  let bystander: ReturnType<typeof startBystander>;
  let heapBefore = 0;
  const results: string[] = [];
  const inside: string[] = [];

  beforeAll(async () => {
    target = await startAttackTarget();
    heapBefore = retainedHeapMiB();
    bystander = startBystander(target.port);
  });

  afterAll(async () => {
    await bystander?.stop();
    await target?.close();
  });

  test.each(LIMITS)('%s → %i and close, not forwarded', async (id, status, request) => {
    const before = target.app.requests.length;
    const reply = await rawExchange(target.port, request);
    expect(reply.statuses, reply.text.slice(0, 200)).toEqual([status]);
    expect(reply.closed).toBe(true);
    // Only the bystander's requests reach the application.
    expect(target.app.requests.slice(before).filter((r) => r.path !== '/bystander')).toEqual([]);
    results.push(`${id} ${status}`);
  });

  test.each(INSIDE)('%s (inside the limits) is served', async (id, request) => {
    const reply = await rawExchange(target.port, request);
    expect(reply.statuses).toEqual([200]);
    inside.push(`${id} 200`);
  });

  test('many connections holding 16 KB partial heads (CVE-2018-12121 class) cost bounded memory', async () => {
    const rss = watchRss();
    const partial = `GET /partial HTTP/1.1\r\nHost: ${APP_AUTHORITY}\r\nX-Big: ${'p'.repeat(16_000)}`;
    const held = await Promise.all(
      Array.from({ length: 300 }, () => rawExchange(target.port, partial, { idleMs: 1500 })),
    );
    const { peakGrowthMiB } = rss.stop();
    // Nothing was answered while the heads were incomplete (the header timeout is 10 s).
    expect(held.every((r) => r.statuses.length === 0)).toBe(true);
    expect(peakGrowthMiB).toBeLessThan(64);
    results.push(`300 held 16 KB partial heads: RSS peak +${mib(peakGrowthMiB)}`);
  });

  test('a 512 MiB body to an upstream that stopped reading meets backpressure, not buffering', async () => {
    target.evil.stalled.add('/stalled-upload');
    const rss = watchRss();
    const flood = await floodBody(
      target.port,
      `POST /stalled-upload HTTP/1.1\r\nHost: ${EVIL_AUTHORITY}\r\nContent-Length: ${512 * 1024 * 1024}\r\n\r\n`,
      512 * 1024 * 1024,
      1500,
    );
    const { peakGrowthMiB } = rss.stop();
    expect(flood.stalled).toBe(true);
    // Kernel socket buffers on both hops hold a few MiB; the proxy must not hold the rest.
    expect(flood.written).toBeLessThan(64 * 1024 * 1024);
    expect(peakGrowthMiB).toBeLessThan(64);
    // The upstream gives up: the proxy must then let go of the client connection too. (The
    // bystander holds still meanwhile, so that its keep-alive connections are a fixed count.)
    await bystander.pause();
    const bystanderConnections = await target.openConnections();
    expect(target.evil.releaseStalled()).toBe(1);
    await expect.poll(() => target.openConnections(), { timeout: 20_000 }).toBeLessThan(bystanderConnections);
    bystander.resume();
    results.push(
      `512 MiB upload to a stalled upstream: client stalled after ${mib(flood.written / 1024 / 1024)}, RSS peak +${mib(peakGrowthMiB)}`,
    );
  });

  test('a well-behaved client was served throughout; retained memory is back to baseline', async () => {
    const report = await bystander.stop();
    const heapGrowth = retainedHeapMiB() - heapBefore;
    expect(report.failed, report.firstError).toBe(0);
    expect(report.ok).toBeGreaterThan(10);
    expect(heapGrowth).toBeLessThan(16);
    await expect.poll(() => target.openConnections(), { timeout: 5000 }).toBe(0);
    expect(results).toHaveLength(LIMITS.length + 2);
    expect(inside).toHaveLength(INSIDE.length);
    recordReliability({
      suite: 'attack',
      id: 'http1-oversized-heads',
      scenario:
        'Oversized heads: 17 KB header, 101 fields, 9 KB URI, a 60 KB head and a 20 KB request line that never end; 300 connections holding 16 KB partial heads; a 512 MiB body to an upstream that stopped reading',
      expected:
        '431 for head > 16 KiB or > 100 fields, 414 for URI > 8 KiB, then close, nothing forwarded; heads just inside the limits served; memory bounded (body streamed with backpressure)',
      measured: `${results.join('; ')}; inside the limits: ${inside.join(', ')}; bystander ${report.ok} ok / ${report.failed} failed (max ${report.maxLatencyMs.toFixed(0)} ms); retained heap +${mib(heapGrowth)}; open client connections after: 0`,
      passed: true,
    });
  });
});
