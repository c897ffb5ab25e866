import { ConfigError } from '@skein/core';
import { describe, expect, it } from 'vitest';
import { parseStaticDiscovery } from '../src/index.js';

const FILE = `
clusterDomain: mesh.local
identityTrustDomain: example.org
controlPlaneNamespace: skein
authorities:
  legacy:8080:
    endpoints: [{ address: 127.0.0.1:8080 }]
services:
  - name: web
    namespace: emojivoto
    ports: [80, { port: 3306, targetPort: 13306 }]
    endpoints:
      - { ip: 127.0.1.2, pod: web-0, hostname: web-0, serviceAccount: web, meshed: true, zone: a, labels: { version: v1 } }
      - { ip: 127.0.1.3, pod: web-1, meshed: true, inboundPort: 5143 }
      - { ip: 127.0.1.4, ready: false }
  - name: db
    ports: [{ port: 5432 }]
    opaquePorts: "5432"
    endpoints: [{ ip: "::1" }]
profiles:
  - apiVersion: linkerd.io/v1alpha2
    kind: ServiceProfile
    metadata: { name: web.emojivoto.svc.mesh.local }
    spec: { routes: [{ name: r, condition: { method: GET } }] }
`;

describe('parseStaticDiscovery: services and profiles', () => {
  it('expands services into authorities described like meshed pods, and keeps them and the profiles', () => {
    const d = parseStaticDiscovery(FILE, 'mesh.yaml');
    expect([...d.authorities.keys()].sort()).toEqual([
      'db.default.svc.mesh.local:5432',
      'legacy:8080',
      'web-0.web.emojivoto.svc.mesh.local:3306',
      'web-0.web.emojivoto.svc.mesh.local:80',
      'web.emojivoto.svc.mesh.local:3306',
      'web.emojivoto.svc.mesh.local:80',
    ]);
    const web80 = d.authorities.get('web.emojivoto.svc.mesh.local:80')!;
    expect(web80.labels).toEqual({ namespace: 'emojivoto', service: 'web' });
    expect(web80.endpoints).toEqual([
      {
        address: '127.0.1.2:80',
        ip: '127.0.1.2',
        port: 80,
        weight: 10_000,
        labels: {
          namespace: 'emojivoto',
          service: 'web',
          pod: 'web-0',
          serviceaccount: 'web',
          control_plane_ns: 'skein',
          zone: 'a',
          version: 'v1',
        },
        identity: {
          name: 'web.emojivoto.serviceaccount.identity.skein.example.org',
          serverName: 'web.emojivoto.serviceaccount.identity.skein.example.org',
        },
        protocolHint: 'h2',
      },
      {
        address: '127.0.1.3:80',
        ip: '127.0.1.3',
        port: 80,
        weight: 10_000,
        labels: {
          namespace: 'emojivoto',
          service: 'web',
          pod: 'web-1',
          serviceaccount: 'default',
          control_plane_ns: 'skein',
        },
        identity: {
          name: 'default.emojivoto.serviceaccount.identity.skein.example.org',
          serverName: 'default.emojivoto.serviceaccount.identity.skein.example.org',
        },
        protocolHint: 'h2',
      },
    ]);
    // 3306 is a default opaque port: opaque hint and transport through the inbound port.
    expect(
      d.authorities
        .get('web.emojivoto.svc.mesh.local:3306')!
        .endpoints.map((e) => [e.address, e.protocolHint, e.opaqueTransportPort]),
    ).toEqual([
      ['127.0.1.2:13306', 'opaque', 4143],
      ['127.0.1.3:13306', 'opaque', 5143],
    ]);
    expect(d.authorities.get('db.default.svc.mesh.local:5432')!.endpoints).toEqual([
      {
        address: '[::1]:5432',
        ip: '::1',
        port: 5432,
        weight: 10_000,
        labels: { namespace: 'default', service: 'db', serviceaccount: 'default' },
      },
    ]);
    expect(d.services?.get('emojivoto/web')).toMatchObject({
      fqdn: 'web.emojivoto.svc.mesh.local',
      ports: [
        { port: 80, targetPort: 80, opaque: false },
        { port: 3306, targetPort: 13306, opaque: true },
      ],
    });
    expect(d.profiles?.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual([
      'emojivoto/web.emojivoto.svc.mesh.local',
    ]);
    expect(d.mesh).toEqual({
      clusterDomain: 'mesh.local',
      identityTrustDomain: 'example.org',
      controlPlaneNamespace: 'skein',
    });
  });

  it('keeps the old shape for files without services or profiles', () => {
    const d = parseStaticDiscovery('authorities: { "a:1": { endpoints: [{ address: "10.0.0.1:1" }] } }');
    expect(Object.keys(d)).toEqual(['authorities']);
  });

  it('names the field, the value and the expected form on bad input', () => {
    const cases: Array<[string, RegExp]> = [
      ['nonsense: 1', /mesh.yaml: nonsense="nonsense": expected one of the fields authorities, services/],
      ['services: {}', /services=.*expected a list of services/],
      ['services: [{ name: Web, ports: [80] }]', /services\[0\]\.name="Web": expected a DNS-1123 label/],
      ['services: [{ name: web, ports: [] }]', /services\[0\]\.ports=.*expected a non-empty list of ports/],
      [
        'services: [{ name: web, ports: [70000] }]',
        /services\[0\]\.ports\[0\]="70000": expected a port number/,
      ],
      [
        'services: [{ name: web, ports: [{ port: 80, tls: true }] }]',
        /ports\[0\]\.tls="tls": expected one of the fields port, targetPort, name/,
      ],
      [
        'services: [{ name: web, ports: [80], endpoints: [{ ip: web }] }]',
        /endpoints\[0\]\.ip="web": expected an IP address/,
      ],
      [
        'services: [{ name: web, ports: [80], endpoints: [{ ip: 1.2.3.4, meshed: yes please }] }]',
        /endpoints\[0\]\.meshed="yes please": expected true or false/,
      ],
      [
        'services: [{ name: web, ports: [80], opaquePorts: "x" }]',
        /services\[0\]\.opaquePorts="x": expected a port list/,
      ],
      [
        'services: [{ name: web, ports: [80] }, { name: web, ports: [81] }]',
        /services\[1\]\.name="web": expected a service not already listed/,
      ],
      [
        'authorities: { "web.default.svc.cluster.local:80": {} }\nservices: [{ name: web, ports: [80] }]',
        /expected an authority not also listed in authorities/,
      ],
      [
        'profiles: [{ metadata: { name: x }, spec: { routes: [{ name: r }] } }]',
        /profiles\[0\].*spec.routes\[0\].condition: the route has no condition/,
      ],
      ['clusterDomain: "not a domain"', /clusterDomain="not a domain": expected a DNS name/],
    ];
    for (const [text, message] of cases) {
      expect(() => parseStaticDiscovery(text, 'mesh.yaml'), text).toThrow(ConfigError);
      expect(() => parseStaticDiscovery(text, 'mesh.yaml'), text).toThrow(message);
    }
  });
});
