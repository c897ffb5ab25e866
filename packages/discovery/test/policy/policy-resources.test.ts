import { ConfigError } from '@skein/core';
import { describe, expect, it } from 'vitest';
import {
  DestinationError,
  parseAuthorizationPolicy,
  parseMeshTLSAuthentication,
  parseNetworkAuthentication,
  parseServer,
  parseServerAuthorization,
  parseStaticDiscovery,
  parseWorkload,
} from '../../src/index.js';

const meta = { name: 'r', namespace: 'shop' };

function configError(f: () => unknown): ConfigError {
  try {
    f();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('parseWorkload', () => {
  it("reads the injector's JSON and the ns:pod form", () => {
    expect(parseWorkload('{"ns":"shop","pod":"web-0"}')).toEqual({
      namespace: 'shop',
      kind: 'pod',
      name: 'web-0',
    });
    expect(parseWorkload('shop:web-0')).toEqual({ namespace: 'shop', kind: 'pod', name: 'web-0' });
    expect(parseWorkload('{"ns":"shop","external_workload":"vm"}')).toEqual({
      namespace: 'shop',
      kind: 'externalWorkload',
      name: 'vm',
    });
  });

  it('refuses anything else with InvalidArgument naming the text', () => {
    for (const bad of [
      '',
      'shop',
      ':web',
      'shop:',
      '{"ns":"shop"}',
      '{"pod":"x"}',
      '{nope',
      '{"ns":"a","pod":"b","external_workload":"c"}',
    ]) {
      let err: unknown;
      try {
        parseWorkload(bad);
      } catch (e) {
        err = e;
      }
      expect(err, bad).toBeInstanceOf(DestinationError);
      expect((err as DestinationError).status).toBe(3);
      expect((err as DestinationError).message).toContain(`Invalid workload: ${bad}`);
    }
  });
});

describe('policy resource readers', () => {
  it('read Servers: port by number or name, every proxyProtocol, accessPolicy, labels', () => {
    const s = parseServer({
      apiVersion: 'policy.linkerd.io/v1beta3',
      kind: 'Server',
      metadata: { ...meta, labels: { team: 'a' }, creationTimestamp: '2026-01-02T03:04:05Z' },
      spec: {
        podSelector: { matchLabels: { app: 'web' } },
        port: 'http',
        proxyProtocol: 'gRPC',
        accessPolicy: 'deny',
      },
    });
    expect(s).toEqual({
      namespace: 'shop',
      name: 'r',
      labels: { team: 'a' },
      podSelector: { matchLabels: { app: 'web' } },
      port: 'http',
      protocol: 'grpc',
      accessPolicy: 'deny',
      createdAt: Date.parse('2026-01-02T03:04:05Z'),
    });
    const protocols = {
      unknown: 'detect',
      'HTTP/1': 'http1',
      'HTTP/2': 'http2',
      opaque: 'opaque',
      TLS: 'tls',
    };
    for (const [given, want] of Object.entries(protocols)) {
      expect(
        parseServer({ metadata: meta, spec: { podSelector: {}, port: 80, proxyProtocol: given } }).protocol,
      ).toBe(want);
    }
    expect(
      parseServer({ metadata: meta, spec: { externalWorkloadSelector: {}, port: 80 } }).podSelector,
    ).toBeUndefined();
  });

  it('name the resource and field of each mistake', () => {
    const cases: Array<[() => unknown, string]> = [
      [() => parseServer({ metadata: meta, spec: { podSelector: {}, port: 0 } }), 'Server shop/r: spec.port'],
      [
        () => parseServer({ metadata: meta, spec: { podSelector: {}, port: 80, proxyProtocol: 'HTTP/3' } }),
        'Server shop/r: spec.proxyProtocol',
      ],
      [() => parseServer({ metadata: meta, spec: { port: 80 } }), 'Server shop/r: spec.podSelector'],
      [
        () => parseServer({ metadata: meta, spec: { podSelector: {}, port: 80, accessPolicy: 'maybe' } }),
        'Server shop/r: spec.accessPolicy',
      ],
      [
        () =>
          parseServer({
            metadata: meta,
            spec: { podSelector: { matchExpressions: [{ key: 'a', operator: 'Near' }] }, port: 80 },
          }),
        'Server shop/r: spec.podSelector.matchExpressions[0].operator',
      ],
      [() => parseServer({ kind: 'Pod', metadata: meta, spec: {} }), 'Server.kind'],
      [() => parseServer({ metadata: { name: 'r' }, spec: {} }), 'Server.metadata.namespace'],
      [
        () =>
          parseAuthorizationPolicy({
            metadata: meta,
            spec: { targetRef: { kind: 'Deployment', name: 'x' } },
          }),
        'AuthorizationPolicy shop/r: spec.targetRef.kind',
      ],
      [
        () =>
          parseAuthorizationPolicy({
            metadata: meta,
            spec: {
              targetRef: { kind: 'Namespace', name: 'shop' },
              requiredAuthenticationRefs: [{ kind: 'Secret', name: 'x' }],
            },
          }),
        'AuthorizationPolicy shop/r: spec.requiredAuthenticationRefs[0].kind',
      ],
      [() => parseMeshTLSAuthentication({ metadata: meta, spec: {} }), 'MeshTLSAuthentication shop/r: spec'],
      [
        () =>
          parseMeshTLSAuthentication({
            metadata: meta,
            spec: { identityRefs: [{ kind: 'Pod', name: 'x' }] },
          }),
        'MeshTLSAuthentication shop/r: spec.identityRefs[0].kind',
      ],
      [
        () => parseNetworkAuthentication({ metadata: meta, spec: { networks: [] } }),
        'NetworkAuthentication shop/r: spec.networks',
      ],
      [
        () => parseNetworkAuthentication({ metadata: meta, spec: { networks: [{ cidr: '10.0.0.0/33' }] } }),
        'NetworkAuthentication shop/r: spec.networks[0].cidr',
      ],
      [
        () => parseServerAuthorization({ metadata: meta, spec: { server: { name: 's' }, client: {} } }),
        'ServerAuthorization shop/r: spec.client',
      ],
    ];
    for (const [f, variable] of cases) expect(configError(f).variable).toBe(variable);
  });

  it('read AuthorizationPolicy targets and references, and ServerAuthorization clients', () => {
    const ap = parseAuthorizationPolicy({
      metadata: meta,
      spec: {
        targetRef: { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'r1' },
        requiredAuthenticationRefs: [
          { kind: 'ServiceAccount', name: 'sa', namespace: 'other' },
          { group: 'policy.linkerd.io', kind: 'networkauthentication', name: 'n' },
        ],
      },
    });
    expect(ap.target).toEqual({
      kind: 'route',
      group: 'gateway.networking.k8s.io',
      resource: 'HTTPRoute',
      name: 'r1',
    });
    expect(ap.authentications).toEqual([
      { kind: 'serviceAccount', name: 'sa', namespace: 'other' },
      { kind: 'network', name: 'n' },
    ]);
    const saz = parseServerAuthorization({
      metadata: meta,
      spec: {
        server: { selector: { matchLabels: { a: 'b' } } },
        client: { networks: [{ cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] }], unauthenticated: true },
      },
    });
    expect(saz.server).toEqual({ selector: { matchLabels: { a: 'b' } } });
    expect(saz.authentication).toEqual({ kind: 'unauthenticated' });
    expect(saz.networks.map((n) => `${n.net} except ${n.except}`)).toEqual(['10.0.0.0/8 except 10.1.0.0/16']);
  });
});

describe('the static file policy sections', () => {
  it('parse next to the other sections, with namespace default, and stay optional', () => {
    const d = parseStaticDiscovery(`
defaultInboundPolicy: deny
servers:
  - metadata: { name: web }
    spec: { podSelector: {}, port: 80 }
`);
    expect(d.policy?.defaultPolicy).toBe('deny');
    expect(d.policy?.servers.map((s) => `${s.namespace}/${s.name}`)).toEqual(['default/web']);
    expect(d.authorities.size).toBe(0);
    expect(parseStaticDiscovery('authorities: {}').policy).toBeUndefined();
  });

  it('name the section, index and field of mistakes', () => {
    expect(configError(() => parseStaticDiscovery('defaultInboundPolicy: open', 'mesh.yaml')).variable).toBe(
      'mesh.yaml: defaultInboundPolicy',
    );
    expect(configError(() => parseStaticDiscovery('servers: {}', 'mesh.yaml')).variable).toBe(
      'mesh.yaml: servers',
    );
    const dup =
      'servers: [{ metadata: { name: a }, spec: { podSelector: {}, port: 1 } }, { metadata: { name: a }, spec: { podSelector: {}, port: 2 } }]';
    expect(configError(() => parseStaticDiscovery(dup, 'mesh.yaml')).variable).toBe(
      'mesh.yaml: servers[1].metadata.name',
    );
    expect(
      configError(() => parseStaticDiscovery('servers: [{ metadata: { name: a }, spec: { port: 1 } }]', 'f'))
        .message,
    ).toContain('Server default/a: spec.podSelector');
  });
});
