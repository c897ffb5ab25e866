import { classifyResponse } from '@skein/core';
import { durationFromMillis } from '@skein/core/proto';
import { describe, expect, it } from 'vitest';
import { anchorRegex, findRoute, matchRequest, profileFromMessage } from '../src/index.js';

const budget = { retryRatio: 0.2, minRetriesPerSecond: 10, ttl: durationFromMillis(10_000) };

describe('anchorRegex', () => {
  it('adds ^ and $ only where missing, and keeps an escaped $ literal', () => {
    expect(anchorRegex('/books/\\d+')).toBe('^/books/\\d+$');
    expect(anchorRegex('^/a$')).toBe('^/a$');
    expect(anchorRegex('/price\\$')).toBe('^/price\\$$');
  });
});

describe('profileFromMessage', () => {
  it('compiles routes in order, drops unconvertible ones and appends the default route', () => {
    const p = profileFromMessage({
      fullyQualifiedName: 'web.ns.svc.cluster.local',
      retryBudget: budget,
      routes: [
        {
          condition: {
            all: { matches: [{ path: { regex: '/books/\\d+' } }, { method: { registered: 0 } }] },
          },
          metricsLabels: { route: 'get-book' },
          isRetryable: true,
          timeout: durationFromMillis(1500),
          responseClasses: [
            { condition: { status: { min: 404, max: 404 } }, isFailure: false },
            { condition: { not: { status: { min: 200, max: 399 } } }, isFailure: true },
          ],
        },
        { condition: { path: { regex: '([' } }, metricsLabels: { route: 'broken-regex' } },
        { condition: {}, metricsLabels: { route: 'empty' } },
        {
          condition: {
            any: { matches: [{ method: { unregistered: 'PURGE' } }, { not: { method: { registered: 1 } } }] },
          },
          metricsLabels: { route: 'misc' },
        },
      ],
    });
    expect(p.droppedRoutes).toBe(2);
    expect(p.routes.map((r) => r.name)).toEqual(['get-book', 'misc', '']);
    expect(p.hasRouting).toBe(true);
    expect(findRoute(p, 'GET', '/books/12').name).toBe('get-book');
    // Anchored: a longer path does not match.
    expect(findRoute(p, 'GET', '/books/12/reviews').name).toBe('misc');
    expect(findRoute(p, 'POST', '/books/12').isDefault).toBe(true);
    expect(findRoute(p, 'PURGE', '/x').name).toBe('misc');
    const book = p.routes[0]!;
    expect(book.timeoutMs).toBe(1500);
    expect(book.isRetryable).toBe(true);
    expect(classifyResponse({ status: 404 }, book.responseClasses)).toBe('success');
    expect(classifyResponse({ status: 418 }, book.responseClasses)).toBe('failure');
    expect(classifyResponse({ status: 302 }, book.responseClasses)).toBe('success');
  });

  it('disables retries without a valid budget and drops weight-0 overrides', () => {
    const routes = [
      { condition: { path: { regex: '/' } }, metricsLabels: { route: 'r' }, isRetryable: true },
    ];
    const noBudget = profileFromMessage({ routes });
    expect(noBudget.retryBudget).toBeUndefined();
    expect(noBudget.routes[0]!.isRetryable).toBe(false);
    expect(noBudget.hasRouting).toBe(false);
    for (const bad of [
      { ...budget, retryRatio: 1001 },
      { ...budget, ttl: durationFromMillis(500) },
      { ...budget, ttl: durationFromMillis(61_000) },
      { retryRatio: 0.2, minRetriesPerSecond: 10 },
    ]) {
      expect(
        profileFromMessage({ routes, retryBudget: bad }).routes[0]!.isRetryable,
        JSON.stringify(bad),
      ).toBe(false);
    }
    const split = profileFromMessage({
      fullyQualifiedName: 'a.ns.svc.cluster.local',
      dstOverrides: [
        { authority: 'a-v1.ns.svc.cluster.local:80', weight: 9000 },
        { authority: 'a-v2.ns.svc.cluster.local:80', weight: 0 },
      ],
    });
    expect(split.dstOverrides).toEqual([{ authority: 'a-v1.ns.svc.cluster.local:80', weight: 9000 }]);
    expect(split.hasRouting).toBe(true);
    expect(split.routes).toHaveLength(1);
  });

  it('reads open status bounds, opaque protocol and the endpoint of an endpoint profile', () => {
    const p = profileFromMessage({
      opaqueProtocol: true,
      endpoint: {
        addr: { ip: { ipv4: 0x0a000001 }, port: 9000 },
        weight: 10_000,
        metricLabels: { pod: 'a' },
      },
      routes: [
        {
          condition: { method: { registered: 0 } },
          responseClasses: [{ condition: { status: { min: 500 } }, isFailure: true }],
        },
      ],
    });
    expect(p.opaqueProtocol).toBe(true);
    expect(p.endpoint).toMatchObject({ address: '10.0.0.1:9000', labels: { pod: 'a' } });
    expect(p.routes[0]!.responseClasses[0]!.condition).toEqual({ status: { min: 500, max: 599 } });
    expect(p.fullyQualifiedName).toBeUndefined();
    expect(p.hasRouting).toBe(false);
    expect(matchRequest({ all: [] }, 'GET', '/')).toBe(true);
    expect(matchRequest({ any: [] }, 'GET', '/')).toBe(false);
  });
});
