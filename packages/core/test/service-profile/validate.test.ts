import { describe, expect, it } from 'vitest';
import { ServiceProfileError, validateServiceProfile } from '../../src/service-profile/index.js';

function profile(spec: unknown, name = 'web.emojivoto.svc.cluster.local'): Record<string, unknown> {
  return {
    apiVersion: 'linkerd.io/v1alpha2',
    kind: 'ServiceProfile',
    metadata: { name, namespace: 'emojivoto' },
    spec,
  };
}

const goodRoute = {
  name: 'GET /api/list',
  condition: { method: 'GET', pathRegex: '/api/list' },
  responseClasses: [{ condition: { status: { min: 500, max: 599 } }, isFailure: true }],
  isRetryable: true,
  timeout: '300ms',
};

function rejection(input: unknown): ServiceProfileError {
  try {
    validateServiceProfile(input);
  } catch (e) {
    if (e instanceof ServiceProfileError) return e;
    throw e;
  }
  throw new Error('expected the profile to be rejected');
}

describe('validateServiceProfile accepts', () => {
  it('a full profile', () => {
    const sp = profile({
      routes: [
        goodRoute,
        {
          name: 'nested',
          condition: {
            all: [{ method: 'POST' }, { not: { pathRegex: '/health' } }],
            any: [{ method: 'PUT' }],
          },
          responseClasses: [
            { condition: { any: [{ status: { min: 500 } }, { not: { status: { max: 199 } } }] } },
          ],
        },
      ],
      retryBudget: { retryRatio: 0.2, minRetriesPerSecond: 10, ttl: '10s' },
      dstOverrides: [
        { authority: 'web-v2.emojivoto.svc.cluster.local:80', weight: '500m' },
        { authority: 'web', weight: 1 },
      ],
      opaquePorts: ['3306'],
    });
    expect(validateServiceProfile(sp)).toBe(sp);
  });

  it('a profile without routes and with extra ObjectMeta fields', () => {
    const sp = profile({});
    (sp.metadata as Record<string, unknown>).resourceVersion = '12';
    expect(validateServiceProfile(sp).spec).toEqual({});
  });
});

describe('validateServiceProfile rejects', () => {
  it.each<[string, unknown, RegExp]>([
    ['an unknown top-level field', { ...profile({}), status: {} }, /ServiceProfile\.status: unknown field/],
    ['an unknown spec field', profile({ route: [] }), /spec\.route: unknown field/],
    [
      'an unknown route field',
      profile({ routes: [{ ...goodRoute, retries: 3 }] }),
      /spec\.routes\[0\]\.retries: unknown/,
    ],
    [
      'a non-DNS-1123 name',
      profile({}, 'Web_Service'),
      /metadata\.name: "Web_Service" is not a DNS-1123 subdomain/,
    ],
    ['a missing name', { kind: 'ServiceProfile', spec: {} }, /metadata\.name/],
    ['a null route', profile({ routes: [null] }), /spec\.routes\[0\]: the route is null/],
    [
      'an unnamed route',
      profile({ routes: [{ condition: { method: 'GET' } }] }),
      /routes\[0\]\.name: the route has no name/,
    ],
    [
      'a bad timeout',
      profile({ routes: [{ ...goodRoute, timeout: '10 seconds' }] }),
      /routes\[0\]\.timeout: .*Go duration/,
    ],
    [
      'a missing condition',
      profile({ routes: [{ name: 'r' }] }),
      /routes\[0\]\.condition: the route has no condition/,
    ],
    [
      'an empty request match',
      profile({ routes: [{ name: 'r', condition: {} }] }),
      /must set one of all, any, not/,
    ],
    [
      'a null item in all',
      profile({ routes: [{ name: 'r', condition: { all: [null] } }] }),
      /condition\.all\[0\]: "all" contains a null match/,
    ],
    [
      'a null item in any',
      profile({ routes: [{ name: 'r', condition: { any: [{ method: 'GET' }, null] } }] }),
      /condition\.any\[1\]: "any" contains a null match/,
    ],
    [
      'an empty nested not',
      profile({ routes: [{ name: 'r', condition: { not: {} } }] }),
      /condition\.not: a request match/,
    ],
    [
      'a null response class',
      profile({ routes: [{ ...goodRoute, responseClasses: [null] }] }),
      /the response class is null/,
    ],
    [
      'a response class without condition',
      profile({ routes: [{ ...goodRoute, responseClasses: [{ isFailure: true }] }] }),
      /responseClasses\[0\]\.condition: the response class has no condition/,
    ],
    [
      'an empty response match',
      profile({ routes: [{ ...goodRoute, responseClasses: [{ condition: {} }] }] }),
      /a response match must set one of/,
    ],
    [
      'a status below 100',
      profile({ routes: [{ ...goodRoute, responseClasses: [{ condition: { status: { min: 99 } } }] }] }),
      /status\.min: range minimum must be between 100 and 599/,
    ],
    [
      'a status above 599',
      profile({ routes: [{ ...goodRoute, responseClasses: [{ condition: { status: { max: 600 } } }] }] }),
      /status\.max: range maximum must be between 100 and 599/,
    ],
    [
      'max below min',
      profile({
        routes: [{ ...goodRoute, responseClasses: [{ condition: { status: { min: 500, max: 400 } } }] }],
      }),
      /range maximum \(400\) cannot be smaller than minimum \(500\)/,
    ],
    [
      'a negative retryRatio',
      profile({ retryBudget: { retryRatio: -0.1, ttl: '10s' } }),
      /retryRatio: must be non-negative/,
    ],
    ['a missing ttl', profile({ retryBudget: { retryRatio: 0.2 } }), /retryBudget\.ttl: missing/],
    [
      'a bad ttl',
      profile({ retryBudget: { retryRatio: 0.2, ttl: 'ten' } }),
      /retryBudget\.ttl: .*Go duration/,
    ],
    [
      'a wrongly typed field',
      profile({ routes: [{ ...goodRoute, isRetryable: 'yes' }] }),
      /isRetryable: expected true or false/,
    ],
    [
      'a bad weight',
      profile({ dstOverrides: [{ authority: 'a', weight: 'heavy' }] }),
      /dstOverrides\[0\]\.weight/,
    ],
    ['a non-object', 'not a profile', /ServiceProfile: expected an object/],
  ])('%s', (_what, input, message) => {
    const err = rejection(input);
    expect(err.code).toBe('ERR_SKEIN_SERVICE_PROFILE_INVALID');
    expect(err.message).toMatch(message);
  });
});

describe('validateServiceProfile pathRegex', () => {
  const withRegex = (pathRegex: string) =>
    profile({ routes: [{ ...goodRoute, condition: { method: 'GET', pathRegex } }] });

  it('accepts RE2-compatible expressions, named groups included', () => {
    expect(() => validateServiceProfile(withRegex('/api/(?<id>[a-z0-9-]+)/votes'))).not.toThrow();
    expect(() => validateServiceProfile(withRegex('/api/([a-z0-9]+-?)+'))).not.toThrow();
  });

  it('rejects backreferences and lookaround (not RE2) and invalid expressions, naming the field', () => {
    for (const [regex, what] of [
      ['/(a)\\1', /backreference \(\\1\)/],
      ['/(?<x>a)\\k<x>', /backreference \(\\k</],
      ['/api(?=/v1)', /lookaround \(\(\?=\)/],
      ['/api(?<!x)', /lookaround \(\(\?<!\)/],
      ['/api/[', /not a valid regular expression/],
    ] as const) {
      const e = rejection(withRegex(regex));
      expect(e.message, regex).toMatch(/routes\[0\]\.condition\.pathRegex/);
      expect(e.message, regex).toMatch(what);
    }
  });
});
