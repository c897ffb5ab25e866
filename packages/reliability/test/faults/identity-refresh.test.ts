import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeCertificatesPem, readCertificate } from '@skein/identity';
import { allocatePort, closeAllProcesses, recordReliability, waitFor } from '@skein/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMeshTrust,
  type IdentityProcess,
  type MeshPeer,
  type MeshTrust,
  meshHandshake,
  meshName,
  startIdentityProcess,
  startMeshPeer,
} from '../support/fault-identity.js';
import { probe } from '../support/fault-load.js';
import { type ProxyProcess, startProxyProcess } from '../support/fault-proxy.js';
import { writeDiscoveryFile } from '../support/fault-static.js';

// skein-proxy certified by skein-identity with short-lived certificates (so a refresh comes
// within seconds: at 70% of the lifetime), the identity service killed before the refresh and
// started again before the certificate expires.
const LIFETIME_S = 12;
const MIN_REFRESH_MS = 500; // LINKERD2_PROXY_IDENTITY_MIN_REFRESH: the retry interval
const WEB = meshName('web', 'faults');
const PEER = meshName('peer', 'faults');
const PEER_AUTHORITY = 'peer.faults.test';

let dir: string;
let trust: MeshTrust;
let identityPort: number;
let identity: IdentityProcess;
let peer: MeshPeer;
let proxy: ProxyProcess;

async function certificate(): Promise<{ pem: string; notAfter: number }> {
  const { status, body } = await proxy.admin('/identity/certificate');
  expect(status).toBe(200);
  const leaf = readCertificate(decodeCertificatesPem(body)[0]!);
  return { pem: body, notAfter: leaf.notAfter.getTime() };
}

/** A request through the proxy to the meshed peer: 200 and our identity seen there, or what failed. */
async function meshRequest(): Promise<string> {
  const before = peer.clients.length;
  const r = await probe(proxy.outboundUrl, PEER_AUTHORITY);
  if (r.status !== 200) return `${r.status ?? r.error} ${r.proxyError ?? ''}`.trim();
  return peer.clients.length > before && peer.clients.at(-1) === WEB
    ? 'ok'
    : `peer saw ${peer.clients.at(-1)}`;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'skein-fault-identity-'));
  trust = createMeshTrust(dir, { 'tok-web': 'faults/web' });
  writeFileSync(join(dir, 'token'), 'tok-web');
  identityPort = await allocatePort();
  identity = await startIdentityProcess(trust, identityPort, `${LIFETIME_S}s`);
  peer = await startMeshPeer(trust.issue(PEER));
  const file = join(dir, 'discovery.yaml');
  writeDiscoveryFile(file, {
    [`${PEER_AUTHORITY}:80`]: [{ address: `127.0.0.1:${peer.port}`, identity: PEER }],
  });
  proxy = await startProxyProcess({
    LINKERD2_PROXY_IDENTITY_SVC_ADDR: `127.0.0.1:${identityPort}`,
    LINKERD2_PROXY_IDENTITY_DIR: join(dir, 'proxy-identity'),
    LINKERD2_PROXY_IDENTITY_TOKEN_FILE: join(dir, 'token'),
    LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS: trust.anchorsPem,
    LINKERD2_PROXY_IDENTITY_LOCAL_NAME: WEB,
    LINKERD2_PROXY_IDENTITY_MIN_REFRESH: `${MIN_REFRESH_MS}ms`,
    SKEIN_PROXY_DISCOVERY_FILE: file,
  });
});

afterAll(async () => {
  await proxy?.close();
  await identity?.close();
  await closeAllProcesses();
  await peer?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('identity service down during a certificate refresh', () => {
  it('keeps its valid certificate, retries, and renews once the identity service is back', async () => {
    await waitFor(async () => (await proxy.admin('/ready')).status === 200, {
      timeoutMs: 20_000,
      what: 'the proxy to be certified and ready',
    });
    const first = await certificate();
    const client = trust.issue(meshName('client', 'faults'));
    const inbound = proxy.addresses.inbound.port;
    expect(await meshRequest()).toBe('ok');
    expect(await meshHandshake(client, inbound, WEB)).toBe('ok');

    await identity.kill();
    const killedAt = Date.now();
    const failed = () => proxy.metric('control_identity_cert_refreshes_total', { result: 'error' });
    const failedBefore = (await failed()) ?? 0;
    // The refresh is due at 70% of the lifetime; it fails and is retried every MIN_REFRESH.
    await waitFor(async () => ((await failed()) ?? 0) >= failedBefore + 2, {
      timeoutMs: LIFETIME_S * 1000 + 10_000,
      intervalMs: 100,
      what: 'two failed refresh attempts',
    });
    expect(
      Date.now(),
      'still within the first certificate’s lifetime (machine too slow otherwise)',
    ).toBeLessThan(first.notAfter);
    // Meanwhile the proxy keeps its certificate and keeps working, in and out.
    expect((await proxy.admin('/ready')).status).toBe(200);
    expect((await certificate()).pem).toBe(first.pem);
    expect(await meshHandshake(client, inbound, WEB)).toBe('ok');
    expect(await meshRequest()).toBe('ok');

    identity = await startIdentityProcess(trust, identityPort, `${LIFETIME_S}s`);
    const backAt = Date.now();
    const downMs = backAt - killedAt;
    const renewed = await waitFor(
      async () => {
        const c = await certificate();
        return c.pem !== first.pem ? c : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 50, what: 'a renewed certificate' },
    );
    const renewedMs = Date.now() - backAt;
    const retries = ((await failed()) ?? 0) - failedBefore;
    expect(renewed.notAfter).toBeGreaterThan(first.notAfter);
    expect((await proxy.admin('/ready')).status).toBe(200);
    expect(await meshHandshake(client, inbound, WEB)).toBe('ok');
    expect(await meshRequest()).toBe('ok');

    recordReliability({
      suite: 'fault',
      id: 'identity-down-during-refresh',
      scenario: `skein-identity (certificates valid ${LIFETIME_S} s) killed before skein-proxy's refresh (at 70% of the lifetime) and restarted before the certificate expires; LINKERD2_PROXY_IDENTITY_MIN_REFRESH=${MIN_REFRESH_MS}ms`,
      expected:
        'the proxy keeps its valid certificate and stays ready, inbound and outbound mTLS keep working, refreshes are retried, and a new certificate is obtained once identity is back',
      measured: `identity down ${(downMs / 1000).toFixed(1)} s: ${retries} failed refresh attempts, same certificate served, /ready 200, mTLS in and out working; renewed ${renewedMs} ms after identity came back (a new certificate with a later expiry)`,
      passed: true,
    });
  });
});
