import { parseNetworkSet } from '@skein/core';
import { describe, expect, it } from 'vitest';
import { authorize, defaultInboundPolicy, type InboundPolicy } from '../../src/index.js';

const meshed = { ip: '10.1.2.3', identity: 'web.shop.serviceaccount.identity.linkerd.cluster.local' };
const plain = { ip: '10.1.2.3', identity: undefined };
const outside = { ip: '203.0.113.9', identity: undefined };
const clusterNetworks = parseNetworkSet('10.0.0.0/8');

describe('default inbound policies', () => {
  it('all-unauthenticated allows everyone', () => {
    const p = defaultInboundPolicy('all-unauthenticated');
    expect(p.server).toEqual({ group: '', kind: 'default', name: 'all-unauthenticated' });
    for (const c of [meshed, plain, outside]) expect(authorize(p, c).allowed).toBe(true);
  });

  it('all-authenticated requires an mTLS identity', () => {
    const p = defaultInboundPolicy('all-authenticated');
    expect(authorize(p, meshed).allowed).toBe(true);
    expect(authorize(p, plain).allowed).toBe(false);
  });

  it('cluster-* policies restrict clients to the cluster networks', () => {
    const un = defaultInboundPolicy('cluster-unauthenticated', { clusterNetworks });
    expect(authorize(un, plain).allowed).toBe(true);
    expect(authorize(un, outside).allowed).toBe(false);
    const auth = defaultInboundPolicy('cluster-authenticated', { clusterNetworks });
    expect(authorize(auth, meshed).allowed).toBe(true);
    expect(authorize(auth, plain).allowed).toBe(false);
    expect(authorize(auth, { ip: '203.0.113.9', identity: meshed.identity }).allowed).toBe(false);
  });

  it('deny allows nobody; audit allows nobody but reports it as audited', () => {
    expect(authorize(defaultInboundPolicy('deny'), meshed)).toEqual({ allowed: false, audited: false });
    expect(authorize(defaultInboundPolicy('audit'), meshed)).toEqual({ allowed: false, audited: true });
  });

  it('opaque ports get an opaque default policy', () => {
    expect(defaultInboundPolicy('all-unauthenticated', { opaque: true }).protocol).toBe('opaque');
  });
});

describe('authorize with Server authorizations', () => {
  const policy: InboundPolicy = {
    protocol: 'http1',
    server: { group: 'policy.linkerd.io', kind: 'server', name: 'web-http' },
    authorizations: [
      {
        networks: [{ net: parseNetworkSet('10.0.0.0/8'), except: parseNetworkSet('10.9.0.0/16') }],
        authentication: {
          kind: 'meshTLS',
          identities: ['vote.shop.serviceaccount.identity.linkerd.cluster.local'],
          suffixes: [['shop', 'serviceaccount', 'identity', 'linkerd', 'cluster', 'local']],
        },
        ref: { group: 'policy.linkerd.io', kind: 'authorizationpolicy', name: 'shop-only' },
      },
    ],
  };

  it('matches identities exactly or by suffix, within the networks minus exceptions', () => {
    const r = authorize(policy, meshed);
    expect(r.allowed).toBe(true);
    if (r.allowed) expect(r.authorization.ref.name).toBe('shop-only');
    expect(
      authorize(policy, {
        ip: '10.1.2.3',
        identity: 'web.other.serviceaccount.identity.linkerd.cluster.local',
      }).allowed,
    ).toBe(false);
    expect(authorize(policy, { ip: '10.9.1.1', identity: meshed.identity }).allowed).toBe(false);
    expect(authorize(policy, { ip: '192.168.1.1', identity: meshed.identity }).allowed).toBe(false);
    expect(authorize(policy, plain).allowed).toBe(false);
  });
});
