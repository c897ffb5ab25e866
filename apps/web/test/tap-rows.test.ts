import { describe, expect, it } from 'vitest';
import type { TapEventRecord } from '../src/ui/api/api-types.js';
import { peerName, TapRowFolder } from '../src/ui/tap/tap-rows.js';

const peer = (labels: Record<string, string>, ip = '127.0.11.2', port = 8080) => ({ ip, port, labels });

function event(
  type: TapEventRecord['type'],
  stream: number,
  extra: Partial<TapEventRecord> = {},
): TapEventRecord {
  return {
    type,
    id: { base: 1, stream },
    direction: 'outbound',
    proxy: 'emojivoto/web-0',
    source: peer({ deployment: 'web' }),
    destination: peer({ deployment: 'voting', tls: 'true' }),
    routeLabels: { route: 'GET /vote/{emoji}' },
    ...(type === 'requestInit'
      ? { requestInit: { method: 'GET', scheme: 'http', authority: 'voting:80', path: `/vote/${stream}` } }
      : {}),
    ...(type === 'responseInit' ? { responseInit: { status: 500, sinceRequestInitUs: 900 } } : {}),
    ...(type === 'responseEnd'
      ? { responseEnd: { sinceRequestInitUs: 1200, sinceResponseInitUs: 300, responseBytes: 34 } }
      : {}),
    ...extra,
  };
}

describe('TapRowFolder', () => {
  it('assembles a request, its response and its end into one row', () => {
    const f = new TapRowFolder();
    f.add(event('requestInit', 0), 1);
    f.add(event('responseInit', 0), 2);
    f.add(event('responseEnd', 0), 3);
    expect(f.events).toBe(3);
    expect(f.rows()).toEqual([
      expect.objectContaining({
        direction: 'outbound',
        source: 'deploy/web',
        destination: 'deploy/voting',
        secured: true,
        method: 'GET',
        path: '/vote/0',
        route: 'GET /vote/{emoji}',
        status: 500,
        latencyUs: 900,
        durationUs: 1200,
        responseBytes: 34,
        done: true,
      }),
    ]);
  });

  it('starts a new row when a request id is used again, newest first, and drops the oldest past the limit', () => {
    const f = new TapRowFolder(2);
    f.add(event('requestInit', 0), 1);
    f.add(event('responseInit', 0), 2);
    f.add(
      event('requestInit', 0, {
        requestInit: { method: 'GET', scheme: 'http', authority: 'a', path: '/again' },
      }),
      3,
    );
    f.add(event('responseEnd', 0), 4);
    expect(f.rows().map((r) => [r.path, r.status, r.done])).toEqual([
      ['/again', undefined, true],
      ['/vote/0', 500, false],
    ]);
    f.add(event('requestInit', 1), 5);
    expect(f.rows().map((r) => r.path)).toEqual(['/vote/1', '/again']);
    // A response for a row that is gone is dropped.
    f.add(event('responseInit', 7), 6);
    expect(f.rows()).toHaveLength(2);
    f.clear();
    expect(f.rows()).toEqual([]);
    expect(f.events).toBe(0);
  });

  it('names peers by workload, else by mTLS identity, else by address', () => {
    expect(peerName(peer({ deployment: 'web', pod: 'web-0' }))).toBe('deploy/web');
    expect(peerName(peer({ pod: 'web-0' }))).toBe('pod/web-0');
    expect(
      peerName(
        peer({ client_id: 'vote-bot.emojivoto.serviceaccount.identity.linkerd.cluster.local', tls: 'true' }),
      ),
    ).toBe('vote-bot.emojivoto');
    expect(peerName(peer({}, '127.0.0.1', 4143))).toBe('127.0.0.1:4143');
    expect(peerName(peer({}, '::1', 4143))).toBe('[::1]:4143');
  });
});
