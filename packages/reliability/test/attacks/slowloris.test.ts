import { recordReliability } from '@skein/testkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mib, retainedHeapMiB, startBystander, watchRss } from '../support/attack-measure.js';
import { type RawReply, rawExchange, slowClient } from '../support/attack-raw.js';
import { APP_AUTHORITY, type AttackTarget, startAttackTarget } from '../support/attack-target.js';

// Slow clients against a real proxy (spec Part B1 "Slowloris / slow body", Part 0 "Slow clients":
// header deadline, detect timeout, idle keep-alive timeout). The deadlines are shortened here
// (2 s head, 2 s detect, 3 s keep-alive idle) so that the test takes seconds; the proxy checks
// them on a 1 s sweep, so a deadline may be passed by up to a second.

const HEAD_TIMEOUT_MS = 2000;
const DETECT_TIMEOUT_MS = 2000;
const IDLE_TIMEOUT_MS = 3000;
const SWEEP_SLACK_MS = 1500;
const CONNECTIONS = 200;

const max = (replies: RawReply[]) => Math.max(...replies.map((r) => r.elapsedMs));

describe('slow clients against a real proxy', () => {
  let target: AttackTarget;
  let bystander: ReturnType<typeof startBystander>;
  let heapBefore = 0;
  const rows: { id: string; scenario: string; expected: string; measured: string }[] = [];

  beforeAll(async () => {
    target = await startAttackTarget({
      http: { headersTimeoutMs: HEAD_TIMEOUT_MS, idleTimeoutMs: IDLE_TIMEOUT_MS },
      env: { LINKERD2_PROXY_OUTBOUND_DETECT_TIMEOUT: `${DETECT_TIMEOUT_MS}ms` },
    });
    heapBefore = retainedHeapMiB();
    bystander = startBystander(target.port);
  });

  afterAll(async () => {
    await bystander?.stop();
    await target?.close();
  });

  test(`slowloris: ${CONNECTIONS} connections dribbling header lines → 408 and close at the header deadline`, async () => {
    const rss = watchRss();
    const replies = await Promise.all(
      Array.from({ length: CONNECTIONS }, (_, i) =>
        slowClient(
          target.port,
          `GET /slowloris-${i} HTTP/1.1\r\nHost: ${APP_AUTHORITY}\r\n`,
          'X-Slow: x\r\n',
          250,
          HEAD_TIMEOUT_MS + SWEEP_SLACK_MS + 3000,
        ),
      ),
    );
    const { peakGrowthMiB } = rss.stop();
    expect(replies.every((r) => r.closed && r.statuses.length === 1 && r.statuses[0] === 408)).toBe(true);
    expect(max(replies)).toBeLessThan(HEAD_TIMEOUT_MS + SWEEP_SLACK_MS);
    expect(target.app.seen('/slowloris')).toEqual([]);
    expect(peakGrowthMiB).toBeLessThan(64);
    rows.push({
      id: 'slowloris-headers',
      scenario: `Slowloris: ${CONNECTIONS} connections each sending a header line every 250 ms, never ending the head`,
      expected: `408 and close at the header deadline (${HEAD_TIMEOUT_MS} ms here, 10 s by default); nothing forwarded`,
      measured: `${CONNECTIONS}/${CONNECTIONS} got 408 and were closed after ≤ ${max(replies).toFixed(0)} ms; RSS peak +${mib(peakGrowthMiB)}`,
    });
  });

  test(`${CONNECTIONS} connections that never send a byte are closed at the detect timeout`, async () => {
    const replies = await Promise.all(
      Array.from({ length: CONNECTIONS }, () =>
        rawExchange(target.port, Buffer.alloc(0), { idleMs: DETECT_TIMEOUT_MS + SWEEP_SLACK_MS + 3000 }),
      ),
    );
    expect(replies.every((r) => r.closed && r.text === '')).toBe(true);
    expect(max(replies)).toBeLessThan(DETECT_TIMEOUT_MS + SWEEP_SLACK_MS);
    expect(Math.min(...replies.map((r) => r.elapsedMs))).toBeGreaterThanOrEqual(DETECT_TIMEOUT_MS - 50);
    rows.push({
      id: 'silent-connections',
      scenario: `${CONNECTIONS} connections that never send a byte (held sockets before protocol detection)`,
      expected: `closed at the detect timeout (${DETECT_TIMEOUT_MS} ms here, 10 s by default)`,
      measured: `${CONNECTIONS}/${CONNECTIONS} closed after ${Math.min(...replies.map((r) => r.elapsedMs)).toFixed(0)}–${max(replies).toFixed(0)} ms`,
    });
  });

  test('an idle keep-alive connection is closed at the idle timeout', async () => {
    const reply = await rawExchange(
      target.port,
      `GET /keep-alive HTTP/1.1\r\nHost: ${APP_AUTHORITY}\r\n\r\n`,
      {
        idleMs: IDLE_TIMEOUT_MS + SWEEP_SLACK_MS + 3000,
      },
    );
    expect(reply.statuses).toEqual([200]);
    expect(reply.closed).toBe(true);
    expect(reply.elapsedMs).toBeGreaterThanOrEqual(IDLE_TIMEOUT_MS - 50);
    expect(reply.elapsedMs).toBeLessThan(IDLE_TIMEOUT_MS + SWEEP_SLACK_MS);
    rows.push({
      id: 'idle-keep-alive',
      scenario: 'A keep-alive connection left idle after its response',
      expected: `closed at the keep-alive idle timeout (${IDLE_TIMEOUT_MS} ms here, 60 s by default)`,
      measured: `closed ${reply.elapsedMs.toFixed(0)} ms after the request`,
    });
  });

  test('slow bodies (1 byte every 250 ms) tie up no one else and cost bounded memory', async () => {
    const rss = watchRss();
    const watchMs = 4000;
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        slowClient(
          target.port,
          `POST /slow-body-${i} HTTP/1.1\r\nHost: ${APP_AUTHORITY}\r\nContent-Length: 1000000\r\n\r\n`,
          'b',
          250,
          watchMs,
        ),
      ),
    );
    const { peakGrowthMiB } = rss.stop();
    const closed = replies.filter((r) => r.closed).length;
    expect(peakGrowthMiB).toBeLessThan(64);
    // The bystander's record is checked below: it must have been served all along.
    rows.push({
      id: 'slow-body',
      scenario: '50 clients sending a 1 MB body one byte every 250 ms',
      expected:
        'other clients served; bounded memory (the spec also asks for a total request deadline: see the note in measured)',
      measured: `RSS peak +${mib(peakGrowthMiB)}; ${closed}/50 closed by the proxy within ${watchMs} ms (the proxy has no total request deadline: a slow body is held as long as the upstream waits)`,
    });
  });

  test('a well-behaved client was served throughout; memory back to baseline; no connection left', async () => {
    const report = await bystander.stop();
    const heapGrowth = retainedHeapMiB() - heapBefore;
    expect(report.failed, report.firstError).toBe(0);
    expect(report.ok).toBeGreaterThan(50);
    expect(report.maxLatencyMs).toBeLessThan(1000);
    expect(heapGrowth).toBeLessThan(16);
    expect(rows).toHaveLength(4);
    for (const row of rows) {
      recordReliability({
        suite: 'attack',
        ...row,
        measured: `${row.measured}; bystander ${report.ok} ok / ${report.failed} failed (max ${report.maxLatencyMs.toFixed(0)} ms); retained heap +${mib(heapGrowth)}`,
        passed: true,
      });
    }
  });
});
