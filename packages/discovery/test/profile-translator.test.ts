import { durationToMillis } from '@skein/core/proto';
import { describe, expect, it } from 'vitest';
import { defaultRetryBudget, translateServiceProfile } from '../src/server/index.js';
import { httpMethodForTest } from './support/profile-helpers.js';

const target = {
  fqn: 'web.ns.svc.cluster.local',
  port: 80,
  opaque: false,
  service: { namespace: 'ns', name: 'web' },
};

describe('translateServiceProfile', () => {
  it('gives the default profile without a ServiceProfile', () => {
    const p = translateServiceProfile(undefined, target);
    expect(p).toMatchObject({
      routes: [],
      dstOverrides: [],
      opaqueProtocol: false,
      fullyQualifiedName: 'web.ns.svc.cluster.local',
      parentRef: { resource: { group: 'core', kind: 'Service', name: 'web', namespace: 'ns', port: 80 } },
    });
    expect(p.profileRef).toBeUndefined();
    expect(p.retryBudget).toEqual(defaultRetryBudget());
    expect(durationToMillis(p.retryBudget!.ttl!)).toBe(10_000);
  });

  it('translates routes, budgets and overrides, dropping what does not convert', () => {
    const warnings: string[] = [];
    const logger = {
      level: 'warn',
      trace() {},
      debug() {},
      info() {},
      warn(o: object | string) {
        warnings.push(JSON.stringify(o));
      },
      error() {},
      fatal() {},
      child() {
        return logger;
      },
      isLevelEnabled: () => true,
    };
    const p = translateServiceProfile(
      {
        metadata: { name: 'web.ns.svc.cluster.local', namespace: 'ns' },
        spec: {
          routes: [
            { name: 'a', condition: { method: 'get', pathRegex: '/a' }, timeout: '1m30s', isRetryable: true },
            { name: 'bad', condition: {} },
            {
              name: 'purge',
              condition: { not: { method: 'PURGE' } },
              responseClasses: [{ condition: { status: { max: 499 } } }],
            },
          ],
          retryBudget: { retryRatio: 1.5, minRetriesPerSecond: 0, ttl: '2s' },
          dstOverrides: [
            { authority: 'web-canary.ns.svc.cluster.local', weight: '250m' },
            { authority: '10.0.0.1:8080', weight: 3 },
            { authority: 'x', weight: 'not-a-quantity' },
          ],
        },
      },
      target,
      logger,
    );
    expect(p.routes).toHaveLength(2);
    expect(p.routes![0]).toMatchObject({
      condition: { all: { matches: [{ path: { regex: '/a' } }, { method: httpMethodForTest('GET') }] } },
      metricsLabels: { route: 'a' },
      isRetryable: true,
    });
    expect(durationToMillis(p.routes![0]!.timeout!)).toBe(90_000);
    expect(p.routes![1]).toMatchObject({
      condition: { not: { method: { unregistered: 'PURGE' } } },
      responseClasses: [{ condition: { status: { min: 0, max: 499 } }, isFailure: false }],
    });
    expect(p.retryBudget).toMatchObject({ retryRatio: 1.5, minRetriesPerSecond: 0 });
    expect(durationToMillis(p.retryBudget!.ttl!)).toBe(2000);
    expect(p.dstOverrides).toEqual([
      { authority: 'web-canary.ns.svc.cluster.local:80', weight: 2500 },
      { authority: '10.0.0.1:8080', weight: 30_000 },
    ]);
    expect(p.profileRef).toEqual({
      resource: {
        group: 'linkerd.io',
        kind: 'ServiceProfile',
        name: 'web.ns.svc.cluster.local',
        namespace: 'ns',
      },
    });
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('"route":"bad"');
  });
});
