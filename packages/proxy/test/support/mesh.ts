import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, parseNetworkSet } from '@skein/core';
import { watchStaticDiscoveryFile } from '@skein/discovery';
import type { InboundPolicy } from '@skein/discovery/model';
import { type RunningPolicyServer, StaticPolicyBackend, servePolicy } from '@skein/discovery/server';
import {
  CertifyService,
  generateIssuer,
  generateTrustAnchor,
  issuerFromPem,
  startCertifyServer,
  TokenRejectedError,
  type TokenValidator,
  TrustAnchors,
} from '@skein/identity';
import { readProxyConfig } from '../../src/config/proxy-config.js';
import type { PolicySource } from '../../src/inbound/inbound-policies.js';
import { SkeinProxy } from '../../src/proxy.js';

/** A running identity service with a fresh trust anchor and issuer, and static tokens. */
export interface TestIdentityService {
  address: string;
  anchorsPem: string;
  /** Writes a token file for `namespace/serviceAccount` and returns its path. */
  tokenFile(namespace: string, serviceAccount: string): string;
  dir: string;
  close(): Promise<void>;
}

/** Identity name of a service account in the test mesh. */
export function identityName(namespace: string, serviceAccount: string): string {
  return `${serviceAccount}.${namespace}.serviceaccount.identity.linkerd.cluster.local`;
}

export async function startIdentityService(): Promise<TestIdentityService> {
  const dir = mkdtempSync(join(tmpdir(), 'skein-mesh-test-'));
  const anchor = generateTrustAnchor();
  const issuer = generateIssuer(anchor);
  const tokens = new Map<string, { namespace: string; serviceAccount: string }>();
  const service = new CertifyService({
    trustAnchors: TrustAnchors.fromPem(anchor.certificatePem, 'test anchors'),
    validator: {
      validate: async (token: Uint8Array) => {
        const subject = tokens.get(Buffer.from(token).toString('utf8').trim());
        if (subject === undefined) throw new TokenRejectedError('unauthenticated', 'unknown test token');
        return subject;
      },
    } satisfies TokenValidator,
    issuer: issuerFromPem({ certificatePem: issuer.certificatePem, keyPem: issuer.keyPem }),
  });
  const server = await startCertifyServer(service, '127.0.0.1:0');
  let n = 0;
  return {
    address: `127.0.0.1:${server.port}`,
    anchorsPem: anchor.certificatePem,
    dir,
    tokenFile(namespace, serviceAccount) {
      const token = `token-${++n}-${serviceAccount}`;
      tokens.set(token, { namespace, serviceAccount });
      const file = join(dir, `${token}.txt`);
      writeFileSync(file, token);
      return file;
    },
    async close() {
      await server.close(100);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts a meshed proxy listening on `ip` (ephemeral ports) with the given identity and discovery. */
export async function startMeshedProxy(options: {
  ip: string;
  namespace: string;
  serviceAccount: string;
  identity: TestIdentityService;
  discovery?: string;
  env?: Record<string, string>;
  /** Where inbound policies come from, instead of a policy server. */
  policySource?: PolicySource;
}): Promise<SkeinProxy> {
  const { identity } = options;
  const env: Record<string, string> = {
    LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR: `${options.ip}:0`,
    LINKERD2_PROXY_INBOUND_LISTEN_ADDR: `${options.ip}:0`,
    LINKERD2_PROXY_ADMIN_LISTEN_ADDR: `${options.ip}:0`,
    // Connect from the pod's own IP, as a pod would, so policies see who is calling.
    SKEIN_PROXY_OUTBOUND_BIND_IP: options.ip,
    LINKERD2_PROXY_IDENTITY_SVC_ADDR: identity.address,
    LINKERD2_PROXY_IDENTITY_DIR: mkdtempSync(join(identity.dir, 'id-')),
    LINKERD2_PROXY_IDENTITY_TOKEN_FILE: identity.tokenFile(options.namespace, options.serviceAccount),
    LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS: identity.anchorsPem,
    LINKERD2_PROXY_IDENTITY_LOCAL_NAME: identityName(options.namespace, options.serviceAccount),
    ...options.env,
  };
  if (options.discovery !== undefined) {
    const file = join(identity.dir, `discovery-${options.serviceAccount}-${Date.now()}.yaml`);
    writeFileSync(file, options.discovery);
    env.SKEIN_PROXY_DISCOVERY_FILE = file;
  }
  const config = readProxyConfig(env);
  // SKEIN_TEST_LOG=debug shows the proxies' logs while debugging a test.
  const level = process.env.SKEIN_TEST_LOG;
  const logger =
    level === undefined
      ? undefined
      : createLogger({ filter: level, bindings: { target: `skein::test::${options.serviceAccount}` } });
  const proxy = await SkeinProxy.start({
    config,
    ...(logger === undefined ? {} : { logger }),
    ...(options.policySource === undefined ? {} : { policySource: options.policySource }),
  });
  const deadline = Date.now() + 10_000;
  while (!proxy.ready) {
    if (Date.now() > deadline) throw new Error(`proxy ${options.serviceAccount} not certified in time`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return proxy;
}

/** GET through an explicit proxy, returning status, headers and body. */
export function getVia(
  proxyPort: number,
  proxyIp: string,
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = http.request(
      {
        host: proxyIp,
        port: proxyPort,
        path: u.pathname + u.search,
        headers: { host: u.host, ...headers },
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/**
 * A policy server over a static policy file (re-read every 50 ms, so tests can change it), and a
 * meshed proxy on `ip` that takes the inbound policy of `appPort` from it for `pod` in `demo`.
 */
export async function startPolicyGovernedProxy(options: {
  ip: string;
  serviceAccount: string;
  pod: string;
  appPort: number;
  policyFile: string;
  identity: TestIdentityService;
}): Promise<{ policyServer: RunningPolicyServer; proxy: SkeinProxy }> {
  const policyServer = await servePolicy({
    backend: new StaticPolicyBackend({
      discovery: watchStaticDiscoveryFile(options.policyFile, { intervalMs: 50 }),
    }),
    address: '127.0.0.1:0',
  });
  try {
    const proxy = await startMeshedProxy({
      ip: options.ip,
      namespace: 'demo',
      serviceAccount: options.serviceAccount,
      identity: options.identity,
      env: {
        LINKERD2_PROXY_POLICY_SVC_ADDR: `127.0.0.1:${policyServer.port}`,
        LINKERD2_PROXY_POLICY_WORKLOAD: JSON.stringify({ ns: 'demo', pod: options.pod }),
        LINKERD2_PROXY_INBOUND_PORTS: String(options.appPort),
      },
    });
    return { policyServer, proxy };
  } catch (err) {
    await policyServer.close(0);
    throw err;
  }
}

/**
 * An inbound policy as the policy service sends it for a Server with one AuthorizationPolicy
 * admitting a single mesh identity, plus the probe route (`GET` of `probePaths`, open to all).
 */
export function serverPolicyWithProbes(options: {
  server: string;
  authorization: string;
  identity: string;
  probePaths: string[];
}): InboundPolicy {
  return {
    protocol: 'detect',
    server: { group: 'policy.linkerd.io', kind: 'server', name: options.server },
    authorizations: [
      {
        networks: [],
        authentication: { kind: 'meshTLS', identities: [options.identity], suffixes: [] },
        ref: { group: 'policy.linkerd.io', kind: 'authorizationpolicy', name: options.authorization },
      },
    ],
    probes: {
      paths: options.probePaths,
      authorization: {
        networks: [{ net: parseNetworkSet('0.0.0.0/0,::/0') }],
        authentication: { kind: 'unauthenticated' },
        ref: { group: '', kind: 'default', name: 'probe' },
      },
    },
  };
}
