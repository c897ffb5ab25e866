import { recordReliability } from '@skein/testkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type BystanderReport, mib, retainedHeapMiB, startBystander } from '../support/attack-measure.js';
import { rawExchange } from '../support/attack-raw.js';
import {
  APP_AUTHORITY,
  type AttackTarget,
  EVIL_AUTHORITY,
  startAttackTarget,
} from '../support/attack-target.js';

// HTTP/1 request smuggling against a real proxy (RFC 9112 §6.3, spec Part B1/B2): every request
// with ambiguous framing is answered 400 (501 for an unknown coding) and the connection closed,
// and nothing of it, least of all the request hidden behind it, reaches the application.

const SMUGGLED = `GET /smuggled HTTP/1.1\r\nHost: ${APP_AUTHORITY}\r\n\r\n`;
const CHUNKED_THEN_SMUGGLED = `0\r\n\r\n${SMUGGLED}`;
const len = (s: string) => Buffer.byteLength(s, 'latin1');

function post(path: string, headerLines: string[], body: string, version = 'HTTP/1.1'): string {
  return `POST ${path} ${version}\r\nHost: ${APP_AUTHORITY}\r\n${headerLines.map((h) => `${h}\r\n`).join('')}\r\n${body}`;
}

/** Requests whose framing a proxy must refuse: [id, raw request, expected status]. */
const AMBIGUOUS: [string, string, number][] = [
  [
    'cl-te',
    post(
      '/cl-te',
      [`Content-Length: ${len(CHUNKED_THEN_SMUGGLED)}`, 'Transfer-Encoding: chunked'],
      CHUNKED_THEN_SMUGGLED,
    ),
    400,
  ],
  [
    'te-cl',
    post(
      '/te-cl',
      ['Transfer-Encoding: chunked', 'Content-Length: 3'],
      `8\r\nSMUGGLED\r\n0\r\n\r\n${SMUGGLED}`,
    ),
    400,
  ],
  [
    'te-xchunked-cl',
    post('/te-x', ['Transfer-Encoding: xchunked', 'Content-Length: 5'], `hello${SMUGGLED}`),
    400,
  ],
  [
    'te-not-final',
    post('/te-identity', ['Transfer-Encoding: chunked, identity'], CHUNKED_THEN_SMUGGLED),
    400,
  ],
  [
    'te-twice',
    post('/te-twice', ['Transfer-Encoding: chunked', 'Transfer-Encoding: chunked'], CHUNKED_THEN_SMUGGLED),
    400,
  ],
  [
    'te-space-before-colon',
    post('/te-space', ['Transfer-Encoding : chunked', 'Content-Length: 5'], `hello${SMUGGLED}`),
    400,
  ],
  ['te-obs-fold', post('/te-fold', ['Transfer-Encoding:', ' chunked'], CHUNKED_THEN_SMUGGLED), 400],
  ['te-vertical-tab', post('/te-vt', ['Transfer-Encoding:\x0bchunked'], CHUNKED_THEN_SMUGGLED), 400],
  ['te-quoted', post('/te-quoted', ['Transfer-Encoding: "chunked"'], CHUNKED_THEN_SMUGGLED), 400],
  ['te-http10', post('/te-10', ['Transfer-Encoding: chunked'], CHUNKED_THEN_SMUGGLED, 'HTTP/1.0'), 400],
  [
    'te-unknown-coding',
    post('/te-unknown', ['Transfer-Encoding: sdch, chunked'], CHUNKED_THEN_SMUGGLED),
    501,
  ],
  ['cl-conflicting', post('/cl-dup', ['Content-Length: 5', 'Content-Length: 6'], `hello!${SMUGGLED}`), 400],
  ['cl-list-conflicting', post('/cl-list', ['Content-Length: 5, 6'], `hello!${SMUGGLED}`), 400],
  ['cl-plus-sign', post('/cl-plus', ['Content-Length: +5'], `hello${SMUGGLED}`), 400],
  ['cl-negative', post('/cl-neg', ['Content-Length: -1'], `hello${SMUGGLED}`), 400],
  ['cl-inner-space', post('/cl-space', ['Content-Length: 1 5'], `hello${SMUGGLED}`), 400],
  ['cl-hex', post('/cl-hex', ['Content-Length: 0x5'], `hello${SMUGGLED}`), 400],
  ['cl-overflow', post('/cl-big', ['Content-Length: 18446744073709551621'], `hello${SMUGGLED}`), 400],
  ['cl-space-before-colon', post('/cl-colon', ['Content-Length : 5'], `hello${SMUGGLED}`), 400],
  ['bare-lf', `POST /bare-lf HTTP/1.1\nHost: ${APP_AUTHORITY}\nContent-Length: 5\n\nhello${SMUGGLED}`, 400],
  ['bare-cr', post('/bare-cr', ['X-A: a\rContent-Length: 40'], `hello${SMUGGLED}`), 400],
  [
    'obs-fold',
    post('/obs-fold', ['X-A: a', ' Content-Length: 40', 'Content-Length: 5'], `hello${SMUGGLED}`),
    400,
  ],
  [
    'host-twice',
    `GET /host-twice HTTP/1.1\r\nHost: ${APP_AUTHORITY}\r\nHost: ${EVIL_AUTHORITY}\r\n\r\n${SMUGGLED}`,
    400,
  ],
  ['host-missing', `GET /no-host HTTP/1.1\r\nX-A: a\r\n\r\n${SMUGGLED}`, 400],
  ['nul-in-value', post('/nul', ['X-A: a\x00b', 'Content-Length: 5'], `hello${SMUGGLED}`), 400],
];

/** Chunked bodies a proxy must refuse once it has started forwarding the request. */
const BAD_CHUNKS: [string, string][] = [
  ['chunk-size-overflow', 'ffffffffffffffffff1\r\nx\r\n0\r\n\r\n'],
  ['chunk-size-negative', '-5\r\nhello\r\n0\r\n\r\n'],
  ['chunk-size-hex-prefix', '0x5\r\nhello\r\n0\r\n\r\n'],
  ['chunk-size-leading-space', ' 5\r\nhello\r\n0\r\n\r\n'],
  ['chunk-size-bare-lf', '5\nhello\r\n0\r\n\r\n'],
  ['chunk-data-too-long', '5\r\nhelloXX\r\n0\r\n\r\n'],
  ['chunk-extension-huge', `5;${'e'.repeat(5000)}\r\nhello\r\n0\r\n\r\n`],
  ['chunk-extension-bare-lf', '5;a=b\nhello\r\n0\r\n\r\n'],
];

/** Unusual but well-defined framing that must be accepted and forwarded exactly once, intact. */
const TRICKY_VALID: [string, string[], string, string][] = [
  ['te-uppercase', ['Transfer-Encoding: CHUNKED'], '5\r\nhello\r\n0\r\n\r\n', 'hello'],
  ['te-tab-ows', ['Transfer-Encoding:\tchunked\t'], '5\r\nhello\r\n0\r\n\r\n', 'hello'],
  ['cl-identical-list', ['Content-Length: 5, 5'], 'hello', 'hello'],
  ['cl-identical-twice', ['Content-Length: 5', 'Content-Length: 5'], 'hello', 'hello'],
  [
    'chunk-extension-small',
    ['Transfer-Encoding: chunked'],
    '5;name="v"\r\nhello\r\n0\r\nx-trailer: t\r\n\r\n',
    'hello',
  ],
];

/** Broken upstream responses: [id, raw response]; the client must get 502 (or a cut connection). */
const BAD_RESPONSES: [string, string][] = [
  ['resp-cl-te', 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
  ['resp-cl-conflicting', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok!'],
  ['resp-obs-fold', 'HTTP/1.1 200 OK\r\nX-A: a\r\n b\r\nContent-Length: 2\r\n\r\nok'],
  ['resp-te-not-chunked', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxx'],
];

describe('HTTP/1 request smuggling against a real proxy', () => {
  let target: AttackTarget;
  let bystander: ReturnType<typeof startBystander>;
  let heapBefore = 0;
  const measured = new Map<string, string[]>();
  const note = (group: string, text: string) => measured.set(group, [...(measured.get(group) ?? []), text]);

  beforeAll(async () => {
    target = await startAttackTarget();
    heapBefore = retainedHeapMiB();
    bystander = startBystander(target.port);
  });

  afterAll(async () => {
    await bystander?.stop();
    await target?.close();
  });

  test.each(AMBIGUOUS.map(([id, request, status]) => ({ id, request, status })))(
    '$id → $status and close; nothing reaches the application',
    async ({ id, request, status }) => {
      const path = request.slice(request.indexOf(' ') + 1, request.indexOf(' ', request.indexOf(' ') + 1));
      const reply = await rawExchange(target.port, request);
      expect(reply.statuses, reply.text).toEqual([status]);
      expect(reply.closed).toBe(true);
      expect(target.app.seen('/smuggled')).toEqual([]);
      expect(target.app.seen(path)).toEqual([]);
      expect(target.app.rawText()).not.toContain('/smuggled');
      note('ambiguous', `${id} ${status}`);
    },
  );

  test.each(BAD_CHUNKS)(
    '%s → 400 and close; the request is cut and nothing after it is forwarded',
    async (id, body) => {
      const path = `/${id}`;
      const reply = await rawExchange(
        target.port,
        post(path, ['Transfer-Encoding: chunked'], body + SMUGGLED),
      );
      expect(reply.statuses, reply.text).toEqual([400]);
      expect(reply.closed).toBe(true);
      // The head may have been forwarded already; the request must never complete at the app.
      expect(target.app.seen(path)).toEqual([]);
      expect(target.app.rawText()).not.toContain('/smuggled');
      note('chunks', `${id} 400`);
    },
  );

  test.each(TRICKY_VALID)(
    '%s is accepted and forwarded exactly once, intact',
    async (id, headers, body, expected) => {
      const path = `/${id}`;
      const reply = await rawExchange(target.port, post(path, [...headers, 'Connection: close'], body));
      expect(reply.statuses, reply.text).toEqual([200]);
      const seen = target.app.seen(path);
      expect(seen).toHaveLength(1);
      expect(seen[0]!.body).toBe(expected);
      note('valid', `${id} 200`);
    },
  );

  test.each(BAD_RESPONSES)('%s from the upstream → 502, upstream connection closed', async (id, response) => {
    const path = `/${id}`;
    target.evil.responses.set(path, response);
    const reply = await rawExchange(target.port, `GET ${path} HTTP/1.1\r\nHost: ${EVIL_AUTHORITY}\r\n\r\n`);
    expect(reply.statuses, reply.text).toEqual([502]);
    await expect.poll(() => target.evil.closedAfter.get(path)).toBe(true);
    note('responses', `${id} 502`);
  });

  test('a response with extra bytes behind it cannot poison the next client (response queue poisoning)', async () => {
    const poison = 'HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\npoison';
    target.evil.responses.set('/first', `HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok${poison}`);
    target.evil.responses.set('/second', 'HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond');
    const first = await rawExchange(target.port, `GET /first HTTP/1.1\r\nHost: ${EVIL_AUTHORITY}\r\n\r\n`, {
      idleMs: 300,
    });
    expect(first.statuses).toEqual([200]);
    expect(first.text.endsWith('ok')).toBe(true);
    const bodies: string[] = [];
    for (let i = 0; i < 3; i++) {
      const next = await rawExchange(
        target.port,
        `GET /second HTTP/1.1\r\nHost: ${EVIL_AUTHORITY}\r\nConnection: close\r\n\r\n`,
      );
      expect(next.statuses).toEqual([200]);
      bodies.push(next.text.slice(next.text.indexOf('\r\n\r\n') + 4));
    }
    expect(bodies).toEqual(['second', 'second', 'second']);
    note('responses', 'trailing-bytes: next clients got their own responses');
  });

  test('the application saw no smuggled request; a well-behaved client was served throughout; memory bounded', async () => {
    const report: BystanderReport = await bystander.stop();
    const heapGrowth = retainedHeapMiB() - heapBefore;
    expect(report.failed, report.firstError).toBe(0);
    expect(report.ok).toBeGreaterThan(10);
    expect(target.app.seen('/smuggled')).toEqual([]);
    expect(target.app.rawText()).not.toContain('/smuggled');
    expect(heapGrowth).toBeLessThan(16);
    const common = `; app saw 0 smuggled requests; bystander ${report.ok} ok / ${report.failed} failed (max ${report.maxLatencyMs.toFixed(0)} ms); retained heap +${mib(heapGrowth)}`;
    const rows: [string, string, string, string, number][] = [
      [
        'http1-smuggling-ambiguous-framing',
        'ambiguous',
        'HTTP/1 request smuggling: CL+TE, TE obfuscations (xchunked, non-final chunked, repeated, space before colon, obs-fold, VT, quoted, HTTP/1.0, unknown coding), conflicting/signed/hex/overflowing/spaced Content-Length, bare LF/CR, obs-fold, NUL, duplicate or missing Host, each with a request smuggled behind it',
        '400 (501 for an unknown transfer coding) and close; nothing forwarded (RFC 9112 §6.3, spec B2)',
        AMBIGUOUS.length,
      ],
      [
        'http1-smuggling-chunked-body',
        'chunks',
        'Malformed chunked bodies: chunk-size overflow (CVE-2021-32714), negative, 0x-prefixed, space-prefixed, bare-LF size line, over-long chunk data, 5 KB and bare-LF chunk extensions (CVE-2024-22019 class)',
        '400 and close; the request never completes at the application; nothing after it forwarded',
        BAD_CHUNKS.length,
      ],
      [
        'http1-framing-valid-edge-cases',
        'valid',
        'Well-defined but unusual framing: TE in upper case, tab as OWS, identical Content-Length list or repeat, chunk extensions and trailers',
        'accepted and forwarded exactly once with the right body',
        TRICKY_VALID.length,
      ],
      [
        'http1-bad-upstream-response',
        'responses',
        'Broken upstream responses: CL+TE, conflicting CL, obs-fold, non-chunked TE, and a response with a second response smuggled behind it',
        '502, the upstream connection closed; later clients never get the smuggled response',
        BAD_RESPONSES.length + 1,
      ],
    ];
    for (const [id, group, scenario, expected, count] of rows) {
      const results = measured.get(group) ?? [];
      expect(results, `${group}: every variant must have passed`).toHaveLength(count);
      recordReliability({
        suite: 'attack',
        id,
        scenario,
        expected,
        measured: `${results.length}/${count} as expected (${results.join(', ')})${common}`,
        passed: true,
      });
    }
  });
});
