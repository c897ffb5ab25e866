import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  Balancer,
  balancerNames,
  ClosedError,
  ConfigError,
  createStrategy,
  type EndpointContext,
  type EndpointUpdate,
  FailfastError,
  LoadShedError,
  NoEndpointsError,
  registerBalancer,
  sameDescriptor,
} from '../../src/index.js';

interface Desc {
  addr: string;
  weight?: number;
  latencyMs?: number;
}

class FakeEndpoint {
  ready = true;
  closed = 0;
  calls = 0;
  constructor(
    readonly desc: Desc,
    readonly ctx: EndpointContext,
  ) {}
  isReady(): boolean {
    return this.ready;
  }
  close(): void {
    this.closed++;
  }
  async send(req: number): Promise<string> {
    if (this.closed > 0) throw new Error(`request ${req} sent to closed endpoint ${this.desc.addr}`);
    this.calls++;
    const ms = this.desc.latencyMs ?? 0;
    if (ms > 0) await new Promise((r) => setTimeout(r, ms));
    return this.desc.addr;
  }
}

function setup(options: { strategy?: string; failfastTimeoutMs?: number; capacity?: number } = {}) {
  const updates = new Subject<EndpointUpdate<Desc>>();
  const created: FakeEndpoint[] = [];
  const lb = new Balancer<Desc, FakeEndpoint>({
    updates,
    key: (d) => d.addr,
    weight: (d) => d.weight ?? 1,
    connect: (d, ctx) => {
      const e = new FakeEndpoint(d, ctx);
      created.push(e);
      return e;
    },
    strategy: options.strategy ?? 'p2c-peak-ewma',
    queue: { failfastTimeoutMs: options.failfastTimeoutMs ?? 1000, capacity: options.capacity ?? 100 },
    name: 'web.ns.svc.cluster.local:80',
  });
  const send = (e: FakeEndpoint, r: number) => e.send(r);
  return { updates, created, lb, send };
}

describe('Balancer endpoint set', () => {
  it('follows reset/add/remove/doesNotExist and closes each removed endpoint once', () => {
    const { updates, created, lb } = setup();
    expect(lb.exists).toBeUndefined();
    updates.next({ type: 'reset', endpoints: [{ addr: 'a' }, { addr: 'b' }] });
    expect(lb.keys().sort()).toEqual(['a', 'b']);
    updates.next({ type: 'add', endpoints: [{ addr: 'c' }] });
    updates.next({ type: 'remove', keys: ['a', 'zzz'] });
    expect(lb.keys().sort()).toEqual(['b', 'c']);
    expect(created.find((e) => e.desc.addr === 'a')!.closed).toBe(1);
    updates.next({ type: 'reset', endpoints: [{ addr: 'c' }, { addr: 'd' }] });
    expect(lb.keys().sort()).toEqual(['c', 'd']);
    expect(created.find((e) => e.desc.addr === 'b')!.closed).toBe(1);
    updates.next({ type: 'doesNotExist' });
    expect(lb.size).toBe(0);
    expect(lb.exists).toBe(false);
    expect(created.every((e) => e.closed === 1)).toBe(true);
    expect(lb.updates).toBe(5);
  });

  it('replaces an endpoint whose descriptor changed, closing the old one', () => {
    const { updates, created, lb } = setup();
    updates.next({ type: 'add', endpoints: [{ addr: 'a', weight: 1 }] });
    updates.next({ type: 'add', endpoints: [{ addr: 'a', weight: 5 }] });
    expect(lb.size).toBe(1);
    expect(created).toHaveLength(2);
    expect(created[0]!.closed).toBe(1);
    expect(lb.get('a')).toBe(created[1]);
  });

  it('keeps the endpoint of an equal descriptor sent again (a resolver reconnect resends the set)', () => {
    const { updates, created, lb } = setup();
    updates.next({ type: 'reset', endpoints: [{ addr: 'a', weight: 1 }, { addr: 'b' }] });
    // New objects with the same content, keys in another order: nothing is rebuilt or closed.
    updates.next({ type: 'reset', endpoints: [{ weight: 1, addr: 'a' }, { addr: 'b' }] });
    updates.next({ type: 'add', endpoints: [{ addr: 'b' }] });
    expect(lb.keys().sort()).toEqual(['a', 'b']);
    expect(created).toHaveLength(2);
    expect(created.every((e) => e.closed === 0)).toBe(true);
  });
});

describe('sameDescriptor', () => {
  it('compares plain data structurally and anything else by identity', () => {
    expect(sameDescriptor({ a: 1, l: { x: 'y' }, h: ['h2'] }, { h: ['h2'], l: { x: 'y' }, a: 1 })).toBe(true);
    expect(sameDescriptor({ a: 1, l: { x: 'y' } }, { a: 1, l: { x: 'z' } })).toBe(false);
    expect(sameDescriptor({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameDescriptor([1, 2], [2, 1])).toBe(false);
    expect(sameDescriptor(Number.NaN, Number.NaN)).toBe(true);
    expect(sameDescriptor(new Map([['a', 1]]), new Map([['a', 2]]))).toBe(false);
    const m = new Map();
    expect(sameDescriptor({ m }, { m })).toBe(true);
  });
});

describe('Balancer queue', () => {
  it('queues requests until an endpoint arrives', async () => {
    const { updates, lb, send } = setup();
    const pending = Promise.all([lb.call(1, send), lb.call(2, send)]);
    expect(lb.queue.length).toBe(2);
    updates.next({ type: 'add', endpoints: [{ addr: 'a' }] });
    expect(await pending).toEqual(['a', 'a']);
  });

  it('fails fast when no endpoint is ready in time, then recovers', async () => {
    const { updates, lb, send } = setup({ failfastTimeoutMs: 30 });
    updates.next({ type: 'reset', endpoints: [] });
    await expect(lb.call(1, send)).rejects.toBeInstanceOf(FailfastError);
    await expect(lb.call(2, send)).rejects.toThrow(/failfast.*30ms/);
    updates.next({ type: 'add', endpoints: [{ addr: 'a' }] });
    expect(await lb.call(3, send)).toBe('a');
  });

  it('fails queued and new requests at once when the name does not exist', async () => {
    const { updates, lb, send } = setup({ failfastTimeoutMs: 10_000 });
    const queued = lb.call(1, send);
    updates.next({ type: 'doesNotExist' });
    await expect(queued).rejects.toBeInstanceOf(NoEndpointsError);
    await expect(lb.call(2, send)).rejects.toThrow(
      'web.ns.svc.cluster.local:80: service discovery says this name does not exist',
    );
    updates.next({ type: 'reset', endpoints: [{ addr: 'a' }] });
    expect(await lb.call(3, send)).toBe('a');
  });

  it('sheds load when the queue is full', async () => {
    const { updates, lb, send } = setup({ capacity: 1 });
    const first = lb.call(1, send);
    await expect(lb.call(2, send)).rejects.toBeInstanceOf(LoadShedError);
    updates.next({ type: 'add', endpoints: [{ addr: 'a' }] });
    expect(await first).toBe('a');
  });

  it('skips endpoints that are not ready and wakes the queue when one becomes ready', async () => {
    const { updates, created, lb, send } = setup();
    updates.next({ type: 'reset', endpoints: [{ addr: 'a' }, { addr: 'b' }] });
    for (const e of created) e.ready = false;
    created[0]!.ctx.readyChanged();
    expect(lb.readyCount).toBe(0);
    const p = lb.call(1, send);
    created[1]!.ready = true;
    created[1]!.ctx.readyChanged();
    expect(await p).toBe('b');
    for (let i = 0; i < 20; i++) expect(await lb.call(i, send)).toBe('b');
  });

  it('rejects queued and later requests when closed', async () => {
    const { lb, send, updates, created } = setup();
    const p = lb.call(1, send);
    lb.close();
    await expect(p).rejects.toBeInstanceOf(ClosedError);
    await expect(lb.call(2, send)).rejects.toBeInstanceOf(ClosedError);
    updates.next({ type: 'add', endpoints: [{ addr: 'late' }] });
    expect(created).toHaveLength(0);
  });

  it('keeps the last endpoints when the resolver stream errors', async () => {
    const { updates, lb, send } = setup();
    updates.next({ type: 'add', endpoints: [{ addr: 'a' }] });
    const err = new Error('destination unavailable');
    updates.error(err);
    expect(lb.resolverError).toBe(err);
    expect(await lb.call(1, send)).toBe('a');
  });
});

describe('Balancer under endpoint churn', () => {
  it('never sends to a removed endpoint and completes every request', async () => {
    const { updates, created, lb, send } = setup({ failfastTimeoutMs: 2000 });
    let next = 0;
    const live = new Set<string>();
    const addOne = () => {
      const addr = `10.0.0.${next++}:80`;
      live.add(addr);
      updates.next({ type: 'add', endpoints: [{ addr, latencyMs: 1 + (next % 3) }] });
    };
    for (let i = 0; i < 4; i++) addOne();
    const requests: Promise<string>[] = [];
    for (let round = 0; round < 60; round++) {
      for (let i = 0; i < 10; i++) requests.push(lb.call(round * 10 + i, send));
      // Remove one, add one: the set keeps changing while requests are in flight.
      const victim = [...live][Math.floor(Math.random() * live.size)]!;
      live.delete(victim);
      updates.next({ type: 'remove', keys: [victim] });
      addOne();
      await new Promise((r) => setTimeout(r, 1));
    }
    const results = await Promise.all(requests);
    expect(results).toHaveLength(600);
    // Every request was served; no endpoint was closed twice; live ones are open.
    expect(created.every((e) => e.closed <= 1)).toBe(true);
    for (const e of created) expect(e.closed === 0).toBe(live.has(e.desc.addr));
    expect(lb.keys().sort()).toEqual([...live].sort());
  });
});

describe('Balancer strategies', () => {
  async function driveLoad(strategy: string): Promise<Map<string, number>> {
    const { updates, lb, send, created } = setup({ strategy });
    const endpoints: Desc[] = [
      { addr: 'fast-1', latencyMs: 2 },
      { addr: 'fast-2', latencyMs: 2 },
      { addr: 'fast-3', latencyMs: 2 },
      { addr: 'fast-4', latencyMs: 2 },
      { addr: 'slow', latencyMs: 80 },
    ];
    updates.next({ type: 'reset', endpoints });
    let issued = 0;
    const worker = async () => {
      while (issued < 500) {
        issued++;
        await lb.call(issued, send);
      }
    };
    await Promise.all(Array.from({ length: 10 }, worker));
    return new Map(created.map((e) => [e.desc.addr, e.calls]));
  }

  it('P2C over peak-EWMA sends a slow endpoint far fewer requests than round robin', async () => {
    const rr = await driveLoad('round-robin');
    const ewma = await driveLoad('p2c-peak-ewma');
    const rrSlow = rr.get('slow')!;
    const ewmaSlow = ewma.get('slow')!;
    // Round robin gives every endpoint its turn: about a fifth of the traffic.
    expect(rrSlow).toBeGreaterThanOrEqual(90);
    // Peak-EWMA learns the slow endpoint's RTT and mostly avoids it.
    expect(ewmaSlow).toBeLessThan(rrSlow / 4);
    expect([...ewma.values()].reduce((a, b) => a + b, 0)).toBe(500);
  });

  it('weights endpoints: a weight-3 endpoint takes about three times the load', async () => {
    const { updates, lb, send, created } = setup({ strategy: 'p2c-pending' });
    updates.next({
      type: 'reset',
      endpoints: [
        { addr: 'heavy', weight: 3, latencyMs: 50 },
        { addr: 'light', weight: 1, latencyMs: 50 },
      ],
    });
    const inflight = Array.from({ length: 40 }, (_, i) => lb.call(i, send));
    const heavy = created.find((e) => e.desc.addr === 'heavy')!.calls;
    expect(heavy).toBeGreaterThanOrEqual(28);
    expect(heavy).toBeLessThanOrEqual(32);
    await Promise.all(inflight);
  });

  it('accepts plugin strategies by name and lists the registered ones', async () => {
    registerBalancer('always-last', () => ({
      name: 'always-last',
      newLoad: () => ({ cost: () => 0, start() {}, end() {} }),
      pick: (candidates) => candidates.length - 1,
    }));
    expect(balancerNames()).toContain('always-last');
    const { updates, lb, send } = setup({ strategy: 'always-last' });
    updates.next({ type: 'reset', endpoints: [{ addr: 'a' }, { addr: 'b' }, { addr: 'c' }] });
    for (let i = 0; i < 10; i++) expect(await lb.call(i, send)).toBe('c');
  });

  it('rejects unknown strategy names with the list of known ones', () => {
    expect(() => createStrategy('least-conn')).toThrow(ConfigError);
    expect(() => createStrategy('least-conn')).toThrow(/p2c-peak-ewma/);
    expect(() => registerBalancer('Bad Name', () => createStrategy('round-robin'))).toThrow(ConfigError);
  });
});
