import { Balancer, createStrategy, type EndpointUpdate, registerBalancer } from '@skein/core';
import { of } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { leastRequest } from '../src/least-request.ts';
import plugin from '../src/plugin.ts';

interface Instance {
  readonly name: string;
  readonly weight: number;
}

function balancerOver(instances: Instance[]): Balancer<Instance, Instance> {
  const update: EndpointUpdate<Instance> = { type: 'reset', endpoints: instances };
  return new Balancer<Instance, Instance>({
    updates: of(update),
    key: (i) => i.name,
    weight: (i) => i.weight,
    connect: (i) => ({ ...i }),
    strategy: leastRequest(),
  });
}

const three = [
  { name: 'a', weight: 1 },
  { name: 'b', weight: 1 },
  { name: 'c', weight: 1 },
];

describe('least-request, in process with the @skein/core Balancer', () => {
  it('spreads requests evenly over idle endpoints', () => {
    const lb = balancerOver(three);
    const picks: string[] = [];
    for (let i = 0; i < 9; i++) {
      const picked = lb.pick()!;
      picks.push(picked.key);
      picked.done(true);
    }
    expect(picks.filter((k) => k === 'a')).toHaveLength(3);
    expect(picks.filter((k) => k === 'b')).toHaveLength(3);
    expect(picks.filter((k) => k === 'c')).toHaveLength(3);
  });

  it('always picks an endpoint with the fewest requests in flight', () => {
    const lb = balancerOver(three);
    const inFlight = new Map<string, number>([
      ['a', 0],
      ['b', 0],
      ['c', 0],
    ]);
    const open: { key: string; done(ok: boolean): void }[] = [];
    for (let i = 0; i < 60; i++) {
      const least = Math.min(...inFlight.values());
      const picked = lb.pick()!;
      expect(inFlight.get(picked.key)).toBe(least);
      inFlight.set(picked.key, inFlight.get(picked.key)! + 1);
      open.push(picked);
      // Finish an older request now and then, as real traffic does.
      if (i % 3 === 2) {
        const finished = open.splice(i % open.length, 1)[0]!;
        finished.done(true);
        inFlight.set(finished.key, inFlight.get(finished.key)! - 1);
      }
    }
  });

  it('lets a heavier endpoint carry proportionally more requests in flight', () => {
    const lb = balancerOver([
      { name: 'big', weight: 3 },
      { name: 'small', weight: 1 },
    ]);
    const counts: Record<string, number> = { big: 0, small: 0 };
    for (let i = 0; i < 40; i++) counts[lb.pick()!.key]!++;
    expect(counts).toEqual({ big: 30, small: 10 });
  });

  it('is selectable by name once registered, as the plugin does in the proxy', () => {
    expect(Object.keys(plugin.balancers!)).toEqual(['least-request']);
    registerBalancer('least-request', plugin.balancers!['least-request']!);
    expect(createStrategy('least-request').name).toBe('least-request');
  });
});
