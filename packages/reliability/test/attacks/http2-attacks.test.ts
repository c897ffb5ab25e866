import http2 from 'node:http2';
import { recordReliability } from '@skein/testkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { H2_ERROR, h2Attack, h2ErrorName } from '../support/attack-h2.js';
import { mib, retainedHeapMiB, startBystander, watchRss } from '../support/attack-measure.js';
import { type AttackTarget, H2_APP_AUTHORITY, startAttackTarget } from '../support/attack-target.js';

// HTTP/2 attacks against a real proxy's outbound listener (HTTP/2 found by protocol detection),
// written frame by frame by attack-h2-peer.py (python3-h2's hpack and hyperframe). Spec Part B1:
// rapid reset, CONTINUATION flood, HPACK bomb, SETTINGS/PING floods, WINDOW_UPDATE overflow and
// the HTTP/2 → HTTP/1 downgrade rules of RFC 9113 §8.2.

/** A fresh HTTP/2 client gets a 200 through the proxy: other clients are unaffected. */
async function h2ClientServed(port: number): Promise<void> {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  session.on('error', () => {});
  try {
    const status = await new Promise<number>((resolve, reject) => {
      const req = session.request({ ':path': '/h2-bystander', ':authority': H2_APP_AUTHORITY });
      req.on('response', (h) => resolve(Number(h[':status'])));
      req.on('error', reject);
      req.resume();
      req.end();
    });
    expect(status).toBe(200);
  } finally {
    session.close();
  }
}

describe('HTTP/2 attacks against a real proxy', () => {
  let target: AttackTarget;
  let bystander: ReturnType<typeof startBystander>;
  let heapBefore = 0;
  const rows: { id: string; scenario: string; expected: string; measured: string }[] = [];

  beforeAll(async () => {
    target = await startAttackTarget();
    heapBefore = retainedHeapMiB();
    bystander = startBystander(target.port);
  });

  afterAll(async () => {
    await bystander?.stop();
    await target?.close();
  });

  test('rapid reset (CVE-2023-44487): 5,000 streams opened and cancelled at once → GOAWAY(ENHANCE_YOUR_CALM)', async () => {
    const before = target.app.seen('/rapid-reset').length;
    const rss = watchRss();
    const r = await h2Attack(target.port, 'rapid-reset', 5000);
    const { peakGrowthMiB } = rss.stop();
    expect(r.goaway).toBe(H2_ERROR.ENHANCE_YOUR_CALM);
    expect(r.eof).toBe(true);
    expect(r.sent).toBeLessThan(5000);
    const reached = target.app.seen('/rapid-reset').length - before;
    expect(reached).toBeLessThan(r.sent);
    expect(peakGrowthMiB).toBeLessThan(64);
    await h2ClientServed(target.port);
    rows.push({
      id: 'http2-rapid-reset',
      scenario: 'HTTP/2 rapid reset (CVE-2023-44487): 5,000 streams each opened and cancelled at once',
      expected:
        'GOAWAY(ENHANCE_YOUR_CALM) and close after the premature-reset limit (100, > 50% of streams); bounded memory',
      measured: `GOAWAY(${h2ErrorName(r.goaway)}) after ${r.sent} streams written, ${reached} reached the app; RSS peak +${mib(peakGrowthMiB)}`,
    });
  });

  test('CONTINUATION flood (CVE-2024-27983): an endless header block → GOAWAY and close within the header-list limit', async () => {
    const rss = watchRss();
    const r = await h2Attack(target.port, 'continuation-flood', 5000);
    const { peakGrowthMiB } = rss.stop();
    expect(r.goaway).not.toBeNull();
    expect(r.eof).toBe(true);
    // Each frame carries ~4 KB: the proxy must cut the block off near its 64 KiB limit, not 20 MB on.
    expect(r.sent).toBeLessThan(64);
    expect(peakGrowthMiB).toBeLessThan(64);
    await h2ClientServed(target.port);
    rows.push({
      id: 'http2-continuation-flood',
      scenario:
        'HTTP/2 CONTINUATION flood (CVE-2024-27983): one header block continued by up to 5,000 4 KB CONTINUATION frames (20 MB), never ended',
      expected: 'GOAWAY and close once the header list passes its limit (64 KiB), long before the flood ends',
      measured: `GOAWAY(${h2ErrorName(r.goaway)}) and close after ${r.sent} CONTINUATION frames; RSS peak +${mib(peakGrowthMiB)}`,
    });
  });

  test.each([
    ['settings-flood', 'SETTINGS'],
    ['ping-flood', 'PING'],
  ])('%s: 200,000 %s frames whose ACKs are never read → GOAWAY and close', async (scenario, frame) => {
    const rss = watchRss();
    const r = await h2Attack(target.port, scenario, 200_000);
    const { peakGrowthMiB } = rss.stop();
    expect(r.goaway).not.toBeNull();
    expect(r.eof).toBe(true);
    expect(r.writeFailed || r.sent < 200_000).toBe(true);
    expect(peakGrowthMiB).toBeLessThan(64);
    await h2ClientServed(target.port);
    rows.push({
      id: `http2-${scenario}`,
      scenario: `HTTP/2 ${frame} flood (CVE-2019-9512/9515 class): 200,000 ${frame} frames, the ACKs never read`,
      expected: 'GOAWAY and close once the unacknowledged-ACK queue is full; bounded memory',
      measured: `GOAWAY(${h2ErrorName(r.goaway)}) and close after ${r.sent} frames${r.writeFailed ? ' (the proxy closed while the attacker was still writing)' : ''}; RSS peak +${mib(peakGrowthMiB)}`,
    });
  });

  test('HPACK bomb: 4 KB of header block decoding to 14 MB → refused (ENHANCE_YOUR_CALM or 431), connection and others unaffected', async () => {
    const rss = watchRss();
    const control = await h2Attack(target.port, 'hpack-bomb', 16);
    expect(control.statuses['3']).toBe(200);
    const r = await h2Attack(target.port, 'hpack-bomb', 4000);
    const { peakGrowthMiB } = rss.stop();
    expect(r.decodedBytes).toBeGreaterThan(10_000_000);
    expect(r.encodedBytes).toBeLessThan(8192);
    expect(r.statuses['1']).toBe(200);
    const refused = r.resets['3'] === H2_ERROR.ENHANCE_YOUR_CALM || r.statuses['3'] === 431;
    expect(refused, JSON.stringify(r)).toBe(true);
    expect(r.goaway).toBeNull();
    expect(target.app.seen('/hpack-bomb')).toHaveLength(1); // the small control request only
    expect(peakGrowthMiB).toBeLessThan(64);
    await h2ClientServed(target.port);
    rows.push({
      id: 'http2-hpack-bomb',
      scenario: `HPACK bomb: a 3.5 KB field put in the dynamic table, then referenced 4,000 times (${r.encodedBytes} B block decoding to ${(r.decodedBytes! / 1e6).toFixed(1)} MB)`,
      expected:
        'the stream refused (RST ENHANCE_YOUR_CALM or 431) against SETTINGS_MAX_HEADER_LIST_SIZE (64 KiB); not forwarded; the connection lives; a 56 KB block is served',
      measured: `${r.statuses['3'] === 431 ? '431' : `RST_STREAM(${h2ErrorName(r.resets['3'])})`}, no GOAWAY, not forwarded; the 56 KB control got 200; RSS peak +${mib(peakGrowthMiB)}`,
    });
  });

  test.each(['conn', 'stream'])(
    'WINDOW_UPDATE past 2^31-1 on the %s window (CVE-2026-21714 class) → FLOW_CONTROL_ERROR',
    async (where) => {
      const r = await h2Attack(target.port, 'window-overflow', where);
      const streamReset = where === 'stream' && r.resets['1'] === H2_ERROR.FLOW_CONTROL_ERROR;
      expect(r.goaway === H2_ERROR.FLOW_CONTROL_ERROR || streamReset, JSON.stringify(r)).toBe(true);
      if (r.goaway !== null) expect(r.eof).toBe(true);
      await h2ClientServed(target.port);
      rows.push({
        id: `http2-window-overflow-${where}`,
        scenario: `HTTP/2 WINDOW_UPDATE overflow: two increments of 2^31-1 on the ${where === 'conn' ? 'connection' : 'stream'} window`,
        expected: `${where === 'conn' ? 'GOAWAY' : 'RST_STREAM or GOAWAY'}(FLOW_CONTROL_ERROR); per-session state released`,
        measured:
          r.goaway !== null
            ? `GOAWAY(${h2ErrorName(r.goaway)}) and close`
            : `RST_STREAM(${h2ErrorName(r.resets['1'])}) on the stream`,
      });
    },
  );

  test.each(['te', 'connection', 'uppercase'])(
    'H2→H1 smuggling (%s): a malformed request → RST_STREAM(PROTOCOL_ERROR), not forwarded; the connection lives',
    async (variant) => {
      const r = await h2Attack(target.port, 'downgrade', variant);
      expect(r.resets['1']).toBe(H2_ERROR.PROTOCOL_ERROR);
      expect(r.statuses['3']).toBe(200);
      expect(target.app.seen(`/downgrade-${variant}`)).toEqual([]);
      rows.push({
        id: `http2-malformed-${variant}`,
        scenario: `HTTP/2 request with ${variant === 'te' ? '`transfer-encoding: chunked` and a chunked body hiding a second request' : variant === 'connection' ? 'a `connection` field' : 'an upper-case field name (`Transfer-Encoding`)'} (H2.TE class, RFC 9113 §8.2)`,
        expected: 'RST_STREAM(PROTOCOL_ERROR); never forwarded; later requests on the connection served',
        measured: `RST_STREAM(${h2ErrorName(r.resets['1'])}); app saw 0 such requests; next request on the connection ${r.statuses['3']}`,
      });
    },
  );

  test.each(['crlf-value', 'crlf-name'])(
    'H2→H1 smuggling: CR/LF in a field %s never reaches the application',
    async (variant) => {
      const r = await h2Attack(target.port, 'downgrade', variant);
      expect(r.statuses['3']).toBe(200);
      const seen = target.app.seen(`/downgrade-${variant}`);
      // nghttp2 discards a field with CR/LF/NUL (treating it as never received) and the request
      // goes on without it; RFC 9113 would reset the stream. Either way the bytes must not arrive.
      for (const req of seen) {
        for (const [name, value] of Object.entries(req.headers)) {
          expect(`${name}: ${String(value)}`).not.toMatch(/[\r\n]|smuggled/);
        }
      }
      expect(target.app.seen('/smuggled')).toEqual([]);
      rows.push({
        id: `http2-${variant}`,
        scenario: `HTTP/2 request with CR/LF in a field ${variant === 'crlf-value' ? 'value (a second request after CRLFCRLF)' : 'name (`x-a\\r\\ntransfer-encoding`)'} (CRLF injection, Kettle 2021)`,
        expected: 'the field never reaches the application (RFC 9113: the request is malformed)',
        measured:
          r.resets['1'] !== undefined
            ? `RST_STREAM(${h2ErrorName(r.resets['1'])}); not forwarded`
            : `nghttp2 dropped the invalid field and the request went on without it (status ${r.statuses['1']}); app saw no CR/LF and no smuggled request`,
      });
    },
  );

  test('H2.CL: DATA beyond a declared content-length is never forwarded', async () => {
    const r = await h2Attack(target.port, 'downgrade', 'cl');
    const seen = target.app.seen('/downgrade-cl');
    expect(seen.every((req) => req.body === '')).toBe(true);
    expect(target.app.seen('/smuggled')).toEqual([]);
    const streamError = r.resets['1'] === H2_ERROR.PROTOCOL_ERROR;
    expect(streamError || (r.goaway !== null && r.eof), JSON.stringify(r)).toBe(true);
    await h2ClientServed(target.port);
    rows.push({
      id: 'http2-content-length-mismatch',
      scenario:
        'HTTP/2 request declaring content-length: 0 followed by DATA carrying a second request (H2.CL class)',
      expected: 'the excess body never forwarded; the stream (or connection) ends with an error',
      measured: `${streamError ? 'RST_STREAM(PROTOCOL_ERROR)' : `GOAWAY(${h2ErrorName(r.goaway)}) and close`}; app got the head with an empty body and no smuggled request`,
    });
  });

  test('a well-behaved client was served throughout; memory back to baseline; no connection left behind', async () => {
    const report = await bystander.stop();
    const heapGrowth = retainedHeapMiB() - heapBefore;
    expect(report.failed, report.firstError).toBe(0);
    expect(report.ok).toBeGreaterThan(10);
    expect(heapGrowth).toBeLessThan(16);
    await expect.poll(() => target.openConnections(), { timeout: 5000 }).toBe(0);
    expect(rows).toHaveLength(13);
    for (const row of rows) {
      recordReliability({
        suite: 'attack',
        ...row,
        measured: `${row.measured}; bystander ${report.ok} ok / 0 failed (max ${report.maxLatencyMs.toFixed(0)} ms); retained heap +${mib(heapGrowth)} after all HTTP/2 attacks`,
        passed: true,
      });
    }
  });
});
