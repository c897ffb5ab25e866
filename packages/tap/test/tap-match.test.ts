import { bigIntToLong } from '@skein/core/proto';
import { describe, expect, it } from 'vitest';
import { compileTapMatch, TapRequestError } from '../src/index.js';
import { tapRequest } from './support/tap-request.js';

const ipv4 = (text: string) => text.split('.').reduce((n, b) => n * 256 + Number(b), 0);

describe('compileTapMatch', () => {
  it('matches everything without a tree', () => {
    expect(compileTapMatch(undefined).test(tapRequest())).toBe(true);
  });

  it('matches HTTP method, scheme, exact authority (case-insensitive) and path prefix', () => {
    const r = tapRequest({ method: 'POST', path: '/api/vote?x=1' });
    const m = (http: object) => compileTapMatch({ http }).test(r);
    expect(m({ method: { registered: 1 } })).toBe(true);
    expect(m({ method: { registered: 0 } })).toBe(false);
    expect(m({ method: { unregistered: 'post' } })).toBe(true);
    expect(m({ scheme: { registered: 0 } })).toBe(true);
    expect(m({ scheme: { registered: 1 } })).toBe(false);
    expect(m({ authority: { exact: 'WEB.demo.svc.cluster.local:80' } })).toBe(true);
    expect(m({ authority: { exact: 'web.demo.svc.cluster.local' } })).toBe(false);
    expect(m({ path: { prefix: '/api/' } })).toBe(true);
    expect(m({ path: { exact: '/api/vote' } })).toBe(false);
  });

  it('combines all, any and not', () => {
    const r = tapRequest({ path: '/a' });
    const path = (prefix: string) => ({ http: { path: { prefix } } });
    expect(compileTapMatch({ all: { matches: [path('/a'), path('/')] } }).test(r)).toBe(true);
    expect(compileTapMatch({ all: { matches: [path('/a'), path('/b')] } }).test(r)).toBe(false);
    expect(compileTapMatch({ any: { matches: [path('/b'), path('/a')] } }).test(r)).toBe(true);
    expect(compileTapMatch({ any: { matches: [] } }).test(r)).toBe(false);
    expect(compileTapMatch({ not: path('/b') }).test(r)).toBe(true);
  });

  it('matches source and destination netmasks and port ranges', () => {
    const r = tapRequest({
      source: { ip: '10.1.2.3', port: 40000 },
      destination: { ip: 'fd00::5', port: 8080 },
    });
    const src = (netmask: object) => compileTapMatch({ source: { netmask } }).test(r);
    expect(src({ ip: { ipv4: ipv4('10.1.0.0') }, mask: 16 })).toBe(true);
    expect(src({ ip: { ipv4: ipv4('10.2.0.0') }, mask: 16 })).toBe(false);
    expect(src({ ip: { ipv4: ipv4('10.1.2.2') }, mask: 31 })).toBe(true);
    const dst = compileTapMatch({
      destination: {
        netmask: { ip: { ipv6: { first: bigIntToLong(0xfd00n << 48n), last: bigIntToLong(0n) } }, mask: 16 },
      },
    });
    expect(dst.needsEndpoint).toBe(true);
    expect(dst.test(r)).toBe(true);
    expect(compileTapMatch({ destination: { ports: { min: 8000, max: 8100 } } }).test(r)).toBe(true);
    expect(compileTapMatch({ destination: { ports: { min: 8080 } } }).test(r)).toBe(true);
    expect(compileTapMatch({ source: { ports: { min: 1, max: 1024 } } }).test(r)).toBe(false);
  });

  it('matches destination and route labels', () => {
    const r = tapRequest({ destinationLabels: { deployment: 'web' }, routeLabels: { route: 'GET /' } });
    expect(compileTapMatch({ destinationLabel: { key: 'deployment', value: 'web' } }).test(r)).toBe(true);
    expect(compileTapMatch({ destinationLabel: { key: 'deployment', value: 'api' } }).test(r)).toBe(false);
    expect(compileTapMatch({ routeLabel: { key: 'route', value: 'GET /' } }).test(r)).toBe(true);
  });

  it('refuses malformed trees, naming where', () => {
    expect(() => compileTapMatch({})).toThrow(TapRequestError);
    expect(() => compileTapMatch({ all: { matches: [{ http: {} }] } })).toThrow(/match\.all\[0\]\.http/);
    expect(() => compileTapMatch({ source: { ports: { min: 10, max: 5 } } })).toThrow(/min=10 max=5/);
    expect(() => compileTapMatch({ source: { netmask: { ip: { ipv4: 1 }, mask: 33 } } })).toThrow(
      /mask: expected 0\.\.32, got 33/,
    );
    expect(() => compileTapMatch({ http: { path: {} } })).toThrow(/exact or prefix/);
    expect(() => compileTapMatch({ destinationLabel: { key: '' } })).toThrow(/label name/);
  });
});
