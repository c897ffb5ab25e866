import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_TAP_IGNORED_HEADERS,
  renderTapLine,
  startTapServer,
  staticTapPolicy,
  TapAggregator,
  type TapEventRecord,
  TapHub,
  TapNotFoundError,
  type TapPod,
  type TapServer,
  TapUnauthorizedError,
} from '../src/index.js';
import { tapRequest } from './support/tap-request.js';

const servers: TapServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function podWithProxy(name: string, hub: TapHub): Promise<TapPod> {
  const server = await startTapServer({ hub, listen: { host: '127.0.0.1', port: 0 } });
  servers.push(server);
  return {
    namespace: 'demo',
    name,
    ip: '127.0.0.1',
    tapAddress: `127.0.0.1:${server.address.port}`,
    labels: { namespace: 'demo', deployment: 'web', pod: name },
    tappable: true,
  };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}

const alice = { user: 'alice', groups: [] };

describe('TapAggregator', () => {
  it('merges label-hydrated events from every pod, splitting the rate', async () => {
    const hubs = [new TapHub(), new TapHub()];
    const pods = [await podWithProxy('web-0', hubs[0]!), await podWithProxy('web-1', hubs[1]!)];
    const aggregator = new TapAggregator({
      resolver: { resolveTapTarget: async () => pods },
      policy: staticTapPolicy({ users: ['alice'] }),
      ignoredHeaders: ['X-Token'],
      windowMs: 200,
    });
    const events: TapEventRecord[] = [];
    const stream = await aggregator.open(
      {
        target: { namespace: 'demo', kind: 'deployment', name: 'web' },
        maxRps: 2,
        path: '/api',
        extractHeaders: true,
      },
      alice,
    );
    const sub = stream.subscribe((e) => events.push(e));
    await until(() => hubs.every((h) => h.active));
    // One request per pod per window: a second request in the same window is not followed.
    for (const [i, hub] of hubs.entries()) {
      const s = hub.request(tapRequest({ path: `/api/${i}` }))!;
      expect(hub.request(tapRequest({ path: '/api/again' }))).toBeUndefined();
      s[0]!.onResponse({ status: 200, headers: [], sinceRequestMs: 2 });
      s[0]!.onEnd({ sinceRequestMs: 3, sinceResponseMs: 1, responseBytes: 5, trailers: null });
    }
    await until(() => events.length === 6);
    // The next window opens new streams.
    await until(() => hubs.every((h) => h.active));
    sub.unsubscribe();
    await until(() => hubs.every((h) => !h.active));
    const req = events.find((e) => e.type === 'requestInit' && e.proxy === 'demo/web-1')!;
    expect(req.destination.labels).toMatchObject({ deployment: 'web', pod: 'web-1' });
    expect(req.requestInit!.headers!.map(([n]) => n)).toEqual(['user-agent']);
    expect(renderTapLine(req, { wide: true })).toBe(
      `req id=7:${req.id.stream} proxy=in  src=10.1.2.3:40000 dst=10.1.9.9:8080 tls=true :method=GET :authority=web.demo.svc.cluster.local:80 :path=/api/1 dst_res=deploy/web dst_ns=demo`,
    );
  });

  it('drops credentials and session headers by default, in requests and responses', async () => {
    const hub = new TapHub();
    const pod = await podWithProxy('web-0', hub);
    const open = async (ignoredHeaders?: readonly string[]) => {
      const aggregator = new TapAggregator({
        resolver: { resolveTapTarget: async () => [pod] },
        policy: staticTapPolicy({ users: ['alice'] }),
        ...(ignoredHeaders === undefined ? {} : { ignoredHeaders }),
      });
      const events: TapEventRecord[] = [];
      const stream = await aggregator.open(
        { target: { namespace: 'demo', kind: 'deployment', name: 'web' }, extractHeaders: true },
        alice,
      );
      const sub = stream.subscribe((e) => events.push(e));
      await until(() => hub.active);
      const s = hub.request(
        tapRequest({
          headers: [
            'authorization',
            'Bearer secret',
            'cookie',
            'session=1',
            'proxy-authorization',
            'Basic x',
            'x-ok',
            '1',
          ],
        }),
      )!;
      s[0]!.onResponse({
        status: 200,
        headers: ['set-cookie', 'session=2', 'x-served-by', 'web-0'],
        sinceRequestMs: 1,
      });
      s[0]!.onEnd({ sinceRequestMs: 2, sinceResponseMs: 1, responseBytes: 2, trailers: null });
      await until(() => events.length === 3);
      sub.unsubscribe();
      await until(() => !hub.active);
      return events;
    };
    expect([...DEFAULT_TAP_IGNORED_HEADERS].sort()).toEqual([
      'authorization',
      'cookie',
      'proxy-authorization',
      'set-cookie',
    ]);
    const hidden = await open();
    expect(hidden.find((e) => e.type === 'requestInit')!.requestInit!.headers).toEqual([['x-ok', '1']]);
    expect(hidden.find((e) => e.type === 'responseInit')!.responseInit!.headers).toEqual([
      ['x-served-by', 'web-0'],
    ]);
    // An explicit empty list shows every header, as `skein-tap --ignore-headers ''` asks.
    const shown = await open([]);
    expect(shown.find((e) => e.type === 'requestInit')!.requestInit!.headers!.map(([n]) => n)).toEqual([
      'authorization',
      'cookie',
      'proxy-authorization',
      'x-ok',
    ]);
  });

  it('refuses a caller the policy denies, and a resource without tappable pods', async () => {
    const aggregator = new TapAggregator({
      resolver: {
        resolveTapTarget: async () => [
          {
            namespace: 'demo',
            name: 'db-0',
            ip: '10.0.0.9',
            tapAddress: '10.0.0.9:4190',
            labels: {},
            tappable: false,
            reason: 'not meshed',
          },
        ],
      },
      policy: staticTapPolicy({ users: ['alice'] }),
    });
    const target = { namespace: 'demo', kind: 'deployment', name: 'db' };
    await expect(aggregator.open({ target }, { user: 'mallory', groups: [] })).rejects.toThrow(
      TapUnauthorizedError,
    );
    await expect(aggregator.open({ target }, alice)).rejects.toThrow(TapNotFoundError);
    await expect(aggregator.open({ target }, alice)).rejects.toThrow(/pod demo\/db-0: not meshed/);
    await expect(aggregator.open({ target, method: 'G T' }, alice)).rejects.toThrow(/method/);
  });
});
