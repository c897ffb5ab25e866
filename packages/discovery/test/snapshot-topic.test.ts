import { nullLogger } from '@skein/core';
import { destination, tcpAddressFromParts, tcpAddressToString } from '@skein/core/proto';
import { Observable, Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { DestinationError } from '../src/index.js';
import { endpointTranslator } from '../src/server/api-translators.js';
import type { EndpointSnapshot, WeightedAddrProps } from '../src/server/index.js';
import { type StreamSink, TopicRegistry } from '../src/server/snapshot-topic.js';

const addr = (ip: string, labels: Record<string, string> = {}): [string, WeightedAddrProps] => [
  `${ip}:80`,
  { addr: tcpAddressFromParts(ip, 80), weight: 10_000, metricLabels: labels },
];
const eps = (...entries: Array<[string, WeightedAddrProps]>): EndpointSnapshot => ({
  kind: 'endpoints',
  labels: { service: 's' },
  addrs: new Map(entries),
});

function describeUpdate(bytes: Buffer): string {
  const u = destination.Update.decode(bytes);
  if (u.add != null)
    return `add ${(u.add.addrs ?? []).map((a) => `${tcpAddressToString(a.addr!)}${JSON.stringify(a.metricLabels)}`).join(' ')}`;
  if (u.remove != null) return `remove ${(u.remove.addrs ?? []).map((a) => tcpAddressToString(a)).join(' ')}`;
  return `noEndpoints exists=${u.noEndpoints?.exists}`;
}

class Sink implements StreamSink {
  readonly got: string[] = [];
  failed: DestinationError | undefined;
  send(m: Buffer) {
    this.got.push(describeUpdate(m));
  }
  fail(e: DestinationError) {
    this.failed = e;
  }
}

describe('endpoint diffs', () => {
  it('sends changed and new addresses as add, departed ones as remove, and existence changes', () => {
    const a = addr('10.0.0.1');
    const b = addr('10.0.0.2');
    const b2 = addr('10.0.0.2', { pod: 'b2' });
    const next = endpointTranslator.next;
    expect(next(eps(a), eps(a, b)).map(describeUpdate)).toEqual(['add 10.0.0.2:80{}']);
    // An equal description in a new object is not a change.
    expect(next(eps(a, b), eps(addr('10.0.0.1'), b))).toEqual([]);
    expect(next(eps(a, b), eps(a, b2)).map(describeUpdate)).toEqual(['add 10.0.0.2:80{"pod":"b2"}']);
    expect(next(eps(a, b), eps(b)).map(describeUpdate)).toEqual(['remove 10.0.0.1:80']);
    expect(next(eps(a), eps()).map(describeUpdate)).toEqual(['remove 10.0.0.1:80']);
    expect(next(eps(a), { kind: 'notFound', message: 'gone' }).map(describeUpdate)).toEqual([
      'noEndpoints exists=false',
    ]);
    expect(next({ kind: 'notFound', message: 'gone' }, eps()).map(describeUpdate)).toEqual([
      'noEndpoints exists=true',
    ]);
    expect(next({ kind: 'notFound', message: 'gone' }, eps(b, a)).map(describeUpdate)).toEqual([
      'add 10.0.0.1:80{} 10.0.0.2:80{}',
    ]);
    expect(next({ kind: 'notFound', message: 'x' }, { kind: 'notFound', message: 'y' })).toEqual([]);
  });
});

describe('TopicRegistry', () => {
  it('shares one upstream per key, starts late streams from the current snapshot, and closes when empty', async () => {
    const upstream = new Subject<EndpointSnapshot>();
    let subscriptions = 0;
    const source = {
      key: 'k',
      snapshots: new Observable<EndpointSnapshot>((s) => {
        subscriptions++;
        const sub = upstream.subscribe(s);
        return () => {
          subscriptions--;
          sub.unsubscribe();
        };
      }),
    };
    const reg = new TopicRegistry(endpointTranslator, nullLogger);
    const first = new Sink();
    const detachFirst = reg.attach(source, first);
    const second = new Sink();
    const detachSecond = reg.attach(source, second);
    expect(subscriptions).toBe(1);
    expect(first.got).toEqual([]);
    upstream.next(eps(addr('10.0.0.1')));
    upstream.next(eps(addr('10.0.0.1'), addr('10.0.0.2')));
    const late = new Sink();
    const detachLate = reg.attach(source, late);
    expect(first.got).toEqual(['add 10.0.0.1:80{}', 'add 10.0.0.2:80{}']);
    expect(second.got).toEqual(first.got);
    expect(late.got).toEqual(['add 10.0.0.1:80{} 10.0.0.2:80{}']);
    detachFirst();
    detachLate();
    upstream.next(eps());
    expect(second.got.at(-1)).toBe('remove 10.0.0.1:80 10.0.0.2:80');
    expect(first.got).toHaveLength(2);
    // A stream joining while the service is missing fails with NotFound.
    upstream.next({ kind: 'notFound', message: 'Service s.ns not found' });
    const missing = new Sink();
    reg.attach(source, missing);
    expect(missing.failed).toBeInstanceOf(DestinationError);
    expect(missing.failed?.status).toBe(5);
    expect(second.got.at(-1)).toBe('noEndpoints exists=false');
    expect(reg.size).toBe(1);
    detachSecond();
    expect(reg.size).toBe(0);
    await Promise.resolve();
    expect(subscriptions).toBe(0);
  });
});
