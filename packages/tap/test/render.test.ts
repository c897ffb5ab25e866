import { describe, expect, it } from 'vitest';
import { renderTapJson, renderTapLine, renderTopTable, type TapEventRecord, TopTable } from '../src/index.js';

const base = {
  id: { base: 3, stream: 1 },
  direction: 'outbound' as const,
  proxy: 'demo/client-0',
  source: { ip: '10.0.0.1', port: 4000, labels: { namespace: 'demo', deployment: 'client' } },
  destination: { ip: '10.0.0.2', port: 80, labels: { namespace: 'demo', deployment: 'web', tls: 'true' } },
  routeLabels: {},
};
const req = (stream: number, path: string): TapEventRecord => ({
  ...base,
  id: { base: 3, stream },
  type: 'requestInit',
  requestInit: { method: 'GET', scheme: 'http', authority: 'web:80', path },
});
const rsp = (stream: number, status: number, us: number): TapEventRecord => ({
  ...base,
  id: { base: 3, stream },
  type: 'responseInit',
  responseInit: { status, sinceRequestInitUs: us },
});
const end = (stream: number, extra: object = {}): TapEventRecord => ({
  ...base,
  id: { base: 3, stream },
  type: 'responseEnd',
  responseEnd: { sinceRequestInitUs: 2000, sinceResponseInitUs: 85, responseBytes: 12, ...extra },
});

describe('tap lines', () => {
  it("prints Linkerd's req, rsp and end lines", () => {
    expect(renderTapLine(req(1, '/'))).toBe(
      'req id=3:1 proxy=out src=10.0.0.1:4000 dst=10.0.0.2:80 tls=true :method=GET :authority=web:80 :path=/',
    );
    expect(renderTapLine(rsp(1, 200, 1520))).toBe(
      'rsp id=3:1 proxy=out src=10.0.0.1:4000 dst=10.0.0.2:80 tls=true :status=200 latency=1520µs',
    );
    expect(renderTapLine(end(1))).toBe(
      'end id=3:1 proxy=out src=10.0.0.1:4000 dst=10.0.0.2:80 tls=true duration=85µs response-length=12B',
    );
    expect(renderTapLine(end(1, { grpcStatus: 14 }))).toContain(' grpc-status=Unavailable duration=85µs');
    expect(renderTapLine(end(1), { wide: true })).toMatch(
      / src_res=deploy\/client src_ns=demo dst_res=deploy\/web dst_ns=demo$/,
    );
  });

  it('prints JSON with Linkerd field names', () => {
    const j = JSON.parse(renderTapJson(rsp(1, 503, 10)));
    expect(j.proxyDirection).toBe('OUTBOUND');
    expect(j.responseInitEvent).toMatchObject({
      id: { base: 3, stream: 1 },
      httpStatus: 503,
      sinceRequestInit: { nanos: 10_000 },
    });
    expect(j.destination.metadata.deployment).toBe('web');
  });
});

describe('top', () => {
  it('counts completed requests per path with best, worst, last and success rate', () => {
    const t = new TopTable();
    const run = (stream: number, path: string, status: number, us: number) => {
      t.add(req(stream, path));
      t.add(rsp(stream, status, us));
      t.add(end(stream));
    };
    run(1, '/a?x=1', 200, 900);
    run(2, '/a', 500, 3000);
    run(3, '/a', 200, 2000);
    run(4, '/b', 200, 100);
    t.add(req(5, '/a'));
    const rows = t.rows();
    expect(rows[0]).toMatchObject({ path: '/a', count: 3, best: 900, worst: 3000, last: 2000, successes: 2 });
    const text = renderTopTable(rows).split('\n');
    expect(text[0]).toMatch(
      /^Source\s+Destination\s+Method\s+Path\s+Count\s+Best\s+Worst\s+Last\s+Success Rate$/,
    );
    expect(text[1]).toMatch(/^deploy\/client\s+deploy\/web\s+GET\s+\/a\s+3\s+900µs\s+3ms\s+2ms\s+66\.67%$/);
  });
});
