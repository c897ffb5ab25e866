import { describe, expect, it } from 'vitest';
import { formatLocation, parseLocation, type Route, tapRoute } from '../src/ui/routing/routes.js';

describe('URL-addressable views', () => {
  it('parses every page from the hash, with the window', () => {
    expect(parseLocation('')).toEqual({ route: { page: 'overview' }, window: undefined });
    expect(parseLocation('#/?window=10s')).toEqual({ route: { page: 'overview' }, window: '10s' });
    expect(parseLocation('#/namespaces/emojivoto')).toEqual({
      route: { page: 'namespace', namespace: 'emojivoto', tab: 'deployments' },
      window: undefined,
    });
    expect(parseLocation('#/namespaces/emojivoto/pods').route).toEqual({
      page: 'namespace',
      namespace: 'emojivoto',
      tab: 'pods',
    });
    expect(parseLocation('#/namespaces/emojivoto/deployment/web?window=5m')).toEqual({
      route: { page: 'resource', namespace: 'emojivoto', kind: 'deployment', name: 'web' },
      window: '5m',
    });
    expect(
      parseLocation('#/tap?namespace=emojivoto&resource=deployment%2Fweb&path=%2Fapi&maxRps=5').route,
    ).toEqual({
      page: 'tap',
      filters: {
        namespace: 'emojivoto',
        resource: 'deployment/web',
        to: '',
        method: '',
        path: '/api',
        authority: '',
        maxRps: 5,
      },
    });
  });

  it('sends unknown paths to a not-found page and ignores unknown windows', () => {
    expect(parseLocation('#/namespaces/emojivoto/widget/x').route).toEqual({
      page: 'not-found',
      path: '/namespaces/emojivoto/widget/x',
    });
    expect(parseLocation('#/nope').route).toEqual({ page: 'not-found', path: '/nope' });
    expect(parseLocation('#/?window=7s').window).toBeUndefined();
    expect(parseLocation('#/tap?maxRps=-3').route).toMatchObject({ filters: { maxRps: 100 } });
  });

  it('formats what it parses (round trip), escaping names', () => {
    const routes: Route[] = [
      { page: 'overview' },
      { page: 'namespace', namespace: 'team a', tab: 'services' },
      { page: 'resource', namespace: 'emojivoto', kind: 'pod', name: 'web-0' },
      tapRoute('emojivoto', 'deployment/web', {
        method: 'GET',
        path: '/api',
        authority: 'web:80',
        to: 'deployment/api',
        maxRps: 7,
      }),
    ];
    for (const route of routes) {
      expect(parseLocation(formatLocation(route, '30s'))).toEqual({ route, window: '30s' });
      expect(parseLocation(formatLocation(route)).window).toBeUndefined();
    }
    expect(formatLocation({ page: 'namespace', namespace: 'team a', tab: 'pods' })).toBe(
      '#/namespaces/team%20a/pods',
    );
  });
});
