import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DescribedAuthz, DescribedPolicy } from './support/policy-describe.js';
import { type PolicyEnv, policyTestPod, resource, startPolicyEnv } from './support/policy-env.js';

let env: PolicyEnv;
const ALL = ['0.0.0.0/0', '::/0'];
const TD = 'serviceaccount.identity.linkerd.cluster.local';
const probes = {
  paths: ['/ready'],
  authz: { ref: '/default/probe', networks: ALL, authn: 'unauthenticated' },
};
const allUnauthenticated: DescribedPolicy = {
  protocol: 'detect',
  timeoutMs: 10_000,
  server: '/default/all-unauthenticated',
  authz: [{ ref: '/default/all-unauthenticated', networks: ALL, authn: 'unauthenticated' }],
  probes,
};
const webHttp = (authz: DescribedAuthz[]): DescribedPolicy => ({
  protocol: 'http1',
  server: 'policy.linkerd.io/server/web-http',
  authz,
  probes,
});
const webAuthn = (networks: string[], authn: string): DescribedAuthz => ({
  ref: 'policy.linkerd.io/authorizationpolicy/web-authn',
  networks,
  authn,
});
const nsWide: DescribedAuthz = {
  ref: 'policy.linkerd.io/authorizationpolicy/ns-wide',
  networks: ALL,
  authn: 'unauthenticated',
};

beforeAll(async () => {
  env = await startPolicyEnv({ clusterNetworks: '10.0.0.0/8' });
});
afterAll(() => env.close());

async function setPodLabels(labels: Record<string, string>) {
  const pod = await env.core.readNamespacedPod({ namespace: 'shop', name: 'web-0' });
  pod.metadata!.labels = labels;
  await env.core.replaceNamespacedPod({ namespace: 'shop', name: 'web-0', body: pod });
}

describe('WatchPort from Kubernetes', () => {
  it('follows Servers, AuthorizationPolicies and authentications as they are created, changed and deleted', async () => {
    await env.core.createNamespacedPod({
      namespace: 'shop',
      body: policyTestPod('shop', 'web-0', {
        labels: { app: 'web' },
        containers: [{ ports: [{ name: 'http', port: 8080 }], readyPath: ['http', '/ready?verbose=1'] }],
      }),
    });
    const web = env.watch('{"ns":"shop","pod":"web-0"}', 8080);
    const other = env.watch('shop:web-0', 9999);
    let n = 1;
    const next = async () => (await web.atLeast(n++))[n - 2];

    // No Server: the default policy, with the pod's probe path on its own route.
    expect(await next()).toEqual(allUnauthenticated);

    // A Server selecting the port by name: no authorization yet (only probes pass).
    await env.apply(
      'servers',
      resource('servers', 'Server', 'shop', 'web-http', {
        podSelector: { matchLabels: { app: 'web' } },
        port: 'http',
        proxyProtocol: 'HTTP/1',
      }),
    );
    expect(await next()).toEqual(webHttp([]));

    // A MeshTLSAuthentication nobody references changes nothing; the policy that uses it does.
    await env.apply(
      'meshtlsauthentications',
      resource('meshtlsauthentications', 'MeshTLSAuthentication', 'shop', 'clients', {
        identities: [`*.shop.${TD}`],
        identityRefs: [{ kind: 'ServiceAccount', name: 'vote', namespace: 'other' }],
      }),
    );
    const policy = (refs: Array<Record<string, string>>) =>
      resource('authorizationpolicies', 'AuthorizationPolicy', 'shop', 'web-authn', {
        targetRef: { group: 'policy.linkerd.io', kind: 'Server', name: 'web-http' },
        requiredAuthenticationRefs: refs,
      });
    const meshRef = { group: 'policy.linkerd.io', kind: 'MeshTLSAuthentication', name: 'clients' };
    await env.apply('authorizationpolicies', policy([meshRef]));
    const ids = `ids=vote.other.${TD};suffixes=shop.${TD}`;
    expect(await next()).toEqual(webHttp([webAuthn(ALL, ids)]));

    // The same for a NetworkAuthentication.
    const network = (except: string[]) =>
      resource('networkauthentications', 'NetworkAuthentication', 'shop', 'cluster', {
        networks: [{ cidr: '10.0.0.0/8', except }],
      });
    await env.apply('networkauthentications', network(['10.9.0.0/16']));
    const netRef = { group: 'policy.linkerd.io', kind: 'NetworkAuthentication', name: 'cluster' };
    await env.apply('authorizationpolicies', policy([meshRef, netRef]));
    expect(await next()).toEqual(webHttp([webAuthn(['10.0.0.0/8 except 10.9.0.0/16'], ids)]));

    // Changes to referenced authentications reach the stream.
    await env.apply('networkauthentications', network(['10.9.0.0/16', '10.10.0.0/16']));
    expect(await next()).toEqual(webHttp([webAuthn(['10.0.0.0/8 except 10.9.0.0/16,10.10.0.0/16'], ids)]));
    await env.apply(
      'meshtlsauthentications',
      resource('meshtlsauthentications', 'MeshTLSAuthentication', 'shop', 'clients', { identities: ['*'] }),
    );
    const nets = ['10.0.0.0/8 except 10.9.0.0/16,10.10.0.0/16'];
    expect(await next()).toEqual(webHttp([webAuthn(nets, 'any-identity')]));

    // A namespace-wide policy applies to the Server too.
    await env.apply(
      'authorizationpolicies',
      resource('authorizationpolicies', 'AuthorizationPolicy', 'shop', 'ns-wide', {
        targetRef: { kind: 'Namespace', name: 'shop' },
        requiredAuthenticationRefs: [],
      }),
    );
    expect(await next()).toEqual(webHttp([nsWide, webAuthn(nets, 'any-identity')]));

    // A policy whose authentication is gone is ignored, and that is logged.
    await env.remove('meshtlsauthentications', 'shop', 'clients');
    expect(await next()).toEqual(webHttp([nsWide]));
    expect(env.logs.join('')).toContain('an existing MeshTLSAuthentication');

    // The pod leaves the Server's selector, then comes back.
    await setPodLabels({ app: 'not-web' });
    expect(await next()).toEqual(allUnauthenticated);
    await setPodLabels({ app: 'web' });
    expect(await next()).toEqual(webHttp([nsWide]));

    // The Server goes: the default again.
    await env.remove('servers', 'shop', 'web-http');
    expect(await next()).toEqual(allUnauthenticated);

    // Nothing else was sent on either stream: the port no Server selected never changed.
    expect(web.messages).toHaveLength(n - 1);
    expect(other.messages).toEqual(
      [{ ...allUnauthenticated, probes: undefined }].map(({ probes: _, ...p }) => p),
    );
    expect(web.status).toBeUndefined();

    // A late stream of the same port starts from the current policy and shares the view.
    const late = env.watch('shop:web-0', 8080);
    expect(await late.atLeast(1)).toEqual([allUnauthenticated]);
    expect(env.server.policy.stats()).toEqual({ streams: 3, views: 2 });
  });
});
