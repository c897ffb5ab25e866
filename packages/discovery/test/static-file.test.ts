import { ConfigError } from '@skein/core';
import { describe, expect, it } from 'vitest';
import { normalizeAuthority, parseStaticDiscovery } from '../src/index.js';

describe('normalizeAuthority', () => {
  it('adds the default port, lowercases, strips a trailing dot and brackets IPv6', () => {
    expect(normalizeAuthority('Web.NS.svc.cluster.local.')).toBe('web.ns.svc.cluster.local:80');
    expect(normalizeAuthority('web:8080')).toBe('web:8080');
    expect(normalizeAuthority('10.0.0.1:9')).toBe('10.0.0.1:9');
    expect(normalizeAuthority('[fd00::1]:443')).toBe('[fd00::1]:443');
    expect(normalizeAuthority('fd00::1')).toBe('[fd00::1]:80');
    expect(normalizeAuthority('[fd00::1]')).toBe('[fd00::1]:80');
  });

  it('rejects what is not an authority', () => {
    for (const bad of [
      '',
      'a b',
      'web:',
      'web:99999',
      'web:0',
      '[zz::1]:80',
      'http://web',
      'web/x',
      '-bad-.com',
    ]) {
      expect(normalizeAuthority(bad), bad).toBeUndefined();
    }
  });
});

describe('parseStaticDiscovery', () => {
  it('parses authorities with set and endpoint labels, identities and hints', () => {
    const d = parseStaticDiscovery(`
authorities:
  web.emojivoto.svc.cluster.local:
    labels: { namespace: emojivoto, service: web }
    endpoints:
      - address: 127.0.1.2:8080
        labels: { pod: web-0, service: web-override }
        identity: web.emojivoto.serviceaccount.identity.linkerd.cluster.local
        protocolHint: h2
        opaqueTransportPort: 4143
      - address: "[::1]:8081"
        weight: 5
`);
    const a = d.authorities.get('web.emojivoto.svc.cluster.local:80')!;
    expect(a.endpoints).toHaveLength(2);
    expect(a.endpoints[0]).toEqual({
      address: '127.0.1.2:8080',
      ip: '127.0.1.2',
      port: 8080,
      weight: 10000,
      labels: { namespace: 'emojivoto', service: 'web-override', pod: 'web-0' },
      identity: {
        name: 'web.emojivoto.serviceaccount.identity.linkerd.cluster.local',
        serverName: 'web.emojivoto.serviceaccount.identity.linkerd.cluster.local',
      },
      protocolHint: 'h2',
      opaqueTransportPort: 4143,
    });
    expect(a.endpoints[1]).toMatchObject({ address: '[::1]:8081', ip: '::1', port: 8081, weight: 5 });
  });

  it('accepts JSON and an empty file', () => {
    expect(
      parseStaticDiscovery('{"authorities":{"a:1":{"endpoints":[{"address":"10.1.1.1:1"}]}}}').authorities
        .size,
    ).toBe(1);
    expect(parseStaticDiscovery('').authorities.size).toBe(0);
  });

  it('names the field, the value and the expected form on bad input', () => {
    const cases: Array<[string, RegExp]> = [
      ['authorities: [1]', /authorities=.*expected a mapping/],
      ['authorities: {"bad host!": {}}', /authorities\["bad host!"\]="bad host!": expected an authority/],
      [
        'authorities: {a: {endpoints: [{address: "web:80"}]}}',
        /endpoints\[0\]\.address="web:80": expected an IP address and port/,
      ],
      [
        'authorities: {a: {endpoints: [{address: "1.2.3.4:80", weight: -1}]}}',
        /weight="-1": expected an integer/,
      ],
      [
        'authorities: {a: {endpoints: [{address: "1.2.3.4:80", protocolHint: h3}]}}',
        /protocolHint="h3": expected "h2" or "opaque"/,
      ],
      [
        'authorities: {a: {endpoints: [{address: "1.2.3.4:80", identity: "not valid!"}]}}',
        /identity="not valid!"/,
      ],
      ['authorities: {a: {labels: {"bad-label": x}}}', /expected a label name/],
      ['authorities: {a: {endpoints: {}}}', /expected a list of endpoints/],
      ['a: [unclosed', /expected valid YAML or JSON/],
    ];
    for (const [text, message] of cases) {
      expect(() => parseStaticDiscovery(text, 'disco.yaml'), text).toThrow(ConfigError);
      expect(() => parseStaticDiscovery(text, 'disco.yaml'), text).toThrow(message);
    }
  });
});
