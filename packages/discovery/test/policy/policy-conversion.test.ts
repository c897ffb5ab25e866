import { parseNetworkSet } from '@skein/core';
import { inbound } from '@skein/core/proto';
import { describe, expect, it } from 'vitest';
import {
  authorizeRequest,
  computeInboundPolicy,
  encodeInboundServer,
  type InboundPolicy,
  InvalidPolicyError,
  inboundPolicyFromServer,
  parseStaticDiscovery,
  policySettings,
  StaticPolicyIndex,
} from '../../src/index.js';
import { describePolicy } from './support/policy-describe.js';

/** Through real protobuf bytes, as the proxy receives it. */
function overTheWire(p: InboundPolicy, permitLocalhost = false): InboundPolicy {
  const bytes = inbound.Server.encode(encodeInboundServer(p)).finish();
  return inboundPolicyFromServer(inbound.Server.decode(bytes), { permitLocalhost });
}

const FILE = `
services:
  - name: web
    namespace: shop
    ports: [80, { port: 3306, targetPort: 13306 }]
    opaquePorts: "3306"
    endpoints: [{ ip: 10.1.0.1, pod: web-0, labels: { app: web } }]
servers:
  - metadata: { name: web-http, namespace: shop }
    spec: { podSelector: { matchLabels: { app: web } }, port: 80, proxyProtocol: HTTP/2, accessPolicy: audit }
  - metadata: { name: web-grpc, namespace: shop }
    spec: { podSelector: { matchLabels: { app: web } }, port: 81, proxyProtocol: gRPC }
  - metadata: { name: web-tls, namespace: shop }
    spec: { podSelector: { matchLabels: { app: web } }, port: 82, proxyProtocol: TLS }
serverAuthorizations:
  - metadata: { name: any-tls, namespace: shop }
    spec: { server: { name: web-http }, client: { meshTLS: { unauthenticatedTLS: true } } }
authorizationPolicies:
  - metadata: { name: from-shop, namespace: shop }
    spec:
      targetRef: { group: policy.linkerd.io, kind: Server, name: web-http }
      requiredAuthenticationRefs:
        - { group: policy.linkerd.io, kind: MeshTLSAuthentication, name: shop-ids }
        - { group: policy.linkerd.io, kind: NetworkAuthentication, name: inside }
meshTLSAuthentications:
  - metadata: { name: shop-ids, namespace: shop }
    spec: { identities: [a.shop.serviceaccount.identity.linkerd.cluster.local, "*.shop.serviceaccount.identity.linkerd.cluster.local"] }
networkAuthentications:
  - metadata: { name: inside, namespace: shop }
    spec: { networks: [{ cidr: 10.0.0.0/8, except: [10.9.0.0/16, fd00::1] }, { cidr: "fd00::/8" }] }
`;

function computed(port: number): InboundPolicy {
  const d = parseStaticDiscovery(FILE);
  const s = computeInboundPolicy(
    new StaticPolicyIndex(d),
    { namespace: 'shop', kind: 'pod', name: 'web-0' },
    port,
    policySettings({ clusterNetworks: '10.0.0.0/8' }),
  ).snapshot;
  if (s.kind !== 'policy') throw new Error('no policy');
  return s.policy;
}

describe('inbound.Server ⇄ InboundPolicy', () => {
  it('round-trips every policy the controller computes, through protobuf bytes', () => {
    for (const port of [80, 81, 82, 13306, 9999]) {
      const p = computed(port);
      expect(describePolicy(overTheWire(p))).toEqual(describePolicy(p));
    }
    expect(describePolicy(computed(80))).toEqual({
      protocol: 'http2',
      server: 'policy.linkerd.io/server/web-http',
      authz: [
        {
          ref: 'policy.linkerd.io/serverauthorization/any-tls',
          networks: ['10.0.0.0/8'],
          authn: 'any-identity',
        },
        {
          ref: 'policy.linkerd.io/authorizationpolicy/from-shop',
          networks: ['10.0.0.0/8 except 10.9.0.0/16,fd00::1/128', 'fd00::/8'],
          authn:
            'ids=a.shop.serviceaccount.identity.linkerd.cluster.local;suffixes=shop.serviceaccount.identity.linkerd.cluster.local',
        },
        { ref: '/default/audit', networks: ['0.0.0.0/0', '::/0'], authn: 'unauthenticated' },
      ],
      audit: true,
    });
    expect(computed(81).protocol).toBe('grpc');
    expect(computed(82).protocol).toBe('tls');
    expect(computed(13306)).toMatchObject({ protocol: 'opaque', server: { kind: 'default' } });
    expect(computed(9999)).toMatchObject({ protocol: 'detect', detectTimeoutMs: 10_000 });
  });

  it('round-trips probes, and answers probe requests from the probe networks only for GET of those paths', () => {
    const p: InboundPolicy = {
      protocol: 'detect',
      detectTimeoutMs: 1500,
      server: { group: '', kind: 'default', name: 'deny' },
      authorizations: [],
      probes: {
        paths: ['/live', '/ready'],
        authorization: {
          networks: [{ net: parseNetworkSet('10.0.0.0/8') }],
          authentication: { kind: 'unauthenticated' },
          ref: { group: '', kind: 'default', name: 'probe' },
        },
      },
    };
    const back = overTheWire(p);
    expect(describePolicy(back)).toEqual(describePolicy(p));
    const kubelet = { ip: '10.0.0.5', identity: undefined };
    expect(authorizeRequest(back, kubelet, 'GET', '/ready?full=1')).toMatchObject({
      allowed: true,
      authorization: { ref: { name: 'probe' } },
    });
    expect(authorizeRequest(back, kubelet, 'POST', '/ready').allowed).toBe(false);
    expect(authorizeRequest(back, kubelet, 'GET', '/other').allowed).toBe(false);
    expect(authorizeRequest(back, { ip: '192.168.0.1', identity: undefined }, 'GET', '/ready').allowed).toBe(
      false,
    );
  });

  it('sends an empty network list as every network, since linkerd2-proxy refuses none', () => {
    const p: InboundPolicy = {
      protocol: 'opaque',
      server: { group: 'policy.linkerd.io', kind: 'server', name: 'x' },
      authorizations: [
        {
          networks: [],
          authentication: { kind: 'unauthenticated' },
          ref: { group: '', kind: 'default', name: 'all' },
        },
      ],
    };
    expect(describePolicy(overTheWire(p)).authz[0]!.networks).toEqual(['0.0.0.0/0', '::/0']);
  });

  it('appends the localhost authorization linkerd2-proxy always grants', () => {
    const back = overTheWire(computed(80), true);
    expect(describePolicy(back).authz.at(-1)).toEqual({
      ref: '/default/localhost',
      networks: ['127.0.0.1/32', '::1/128'],
      authn: 'unauthenticated',
    });
    const denied = overTheWire({ ...computed(9999), authorizations: [] }, true);
    expect(authorizeRequest(denied, { ip: '127.0.0.1', identity: undefined }, 'GET', '/').allowed).toBe(true);
    expect(authorizeRequest(denied, { ip: '10.1.1.1', identity: undefined }, 'GET', '/').allowed).toBe(false);
  });
});

describe('inboundPolicyFromServer reads messages as linkerd2-proxy does', () => {
  const opaque = { opaque: {} };
  const allNets = [{ net: { ip: { ipv4: 0 }, prefixLen: 0 } }];
  const read = (m: inbound.Server.$Properties) => inboundPolicyFromServer(m, { permitLocalhost: false });

  it('names the server from its labels, with the older kind:name form', () => {
    expect(read({ protocol: opaque, labels: { name: 'default:deny' } }).server).toEqual({
      group: '',
      kind: 'default',
      name: 'deny',
    });
    expect(read({ protocol: opaque, labels: { name: 'web' } }).server).toEqual({
      group: 'policy.linkerd.io',
      kind: 'server',
      name: 'web',
    });
    expect(read({ protocol: opaque, labels: { name: 'thing:web', group: 'g' } }).server).toEqual({
      group: 'g',
      kind: 'thing',
      name: 'web',
    });
    expect(read({ protocol: opaque, labels: { group: '', kind: 'default', name: 'audit' } })).toMatchObject({
      audit: true,
    });
  });

  it('names authorizations by metadata, else by labels (default kind serverauthorization)', () => {
    const p = read({
      protocol: opaque,
      labels: { name: 'web' },
      authorizations: [
        { networks: allNets, authentication: { unauthenticated: {} }, labels: { name: 'old' } },
        {
          networks: allNets,
          authentication: { meshTLS: { unauthenticated: {} } },
          labels: { name: 'ignored' },
          metadata: { resource: { group: 'policy.linkerd.io', kind: 'authorizationpolicy', name: 'new' } },
        },
      ],
    });
    expect(p.authorizations.map((a) => a.ref)).toEqual([
      { group: 'policy.linkerd.io', kind: 'serverauthorization', name: 'old' },
      { group: 'policy.linkerd.io', kind: 'authorizationpolicy', name: 'new' },
    ]);
    expect(p.authorizations[1]!.authentication).toEqual({ kind: 'meshTLSAny' });
  });

  it('refuses what linkerd2-proxy refuses, naming the field', () => {
    const cases: Array<[inbound.Server.$Properties, string]> = [
      [{ labels: { name: 'x' } }, 'protocol'],
      [{ protocol: { detect: {} }, labels: { name: 'x' } }, 'protocol.detect.timeout'],
      [{ protocol: opaque, labels: {} }, 'labels'],
      [
        {
          protocol: opaque,
          labels: { name: 'x' },
          authorizations: [{ authentication: { unauthenticated: {} }, metadata: { default: 'a' } }],
        },
        'authorizations[0].networks',
      ],
      [
        {
          protocol: opaque,
          labels: { name: 'x' },
          authorizations: [{ networks: allNets, metadata: { default: 'a' } }],
        },
        'authorizations[0].authentication',
      ],
      [
        {
          protocol: opaque,
          labels: { name: 'x' },
          authorizations: [
            { networks: allNets, authentication: { meshTLS: {} }, metadata: { default: 'a' } },
          ],
        },
        'authorizations[0].authentication.meshTLS',
      ],
      [
        {
          protocol: opaque,
          labels: { name: 'x' },
          authorizations: [
            { networks: [{}], authentication: { unauthenticated: {} }, metadata: { default: 'a' } },
          ],
        },
        'authorizations[0].networks[0].net',
      ],
    ];
    for (const [message, field] of cases) {
      let error: unknown;
      try {
        read(message);
      } catch (err) {
        error = err;
      }
      expect(error, field).toBeInstanceOf(InvalidPolicyError);
      expect((error as InvalidPolicyError).field).toBe(field);
      expect((error as InvalidPolicyError).code).toBe('ERR_SKEIN_POLICY_INVALID');
    }
  });
});
