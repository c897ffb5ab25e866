import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { credentials, type StatusObject } from '@grpc/grpc-js';
import {
  DestinationClient,
  type destination,
  InboundServerPoliciesClient,
  type inbound,
  tcpAddressToString,
} from '@skein/core/proto';
import {
  closeAllProcesses,
  type RunningProcess,
  runProcess,
  startKubeApiServer,
  waitFor,
} from '@skein/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const NODE = process.execPath;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'skein-destination-app-'));
});
afterAll(async () => {
  await closeAllProcesses();
  rmSync(dir, { recursive: true, force: true });
});

async function start(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ proc: RunningProcess; grpc: number; admin: number; policy: number }> {
  const proc = await runProcess({
    command: NODE,
    args: [
      MAIN,
      '-addr=127.0.0.1:0',
      '-admin-addr=127.0.0.1:0',
      '-policy-addr=127.0.0.1:0',
      '-log-format=json',
      ...args,
    ],
    env: { ...process.env, ...env },
    ready: /"grpcPort":(\d+),"adminPort":(\d+),"policyPort":(\d+)/,
  });
  const m = proc.readyMatch!;
  return { proc, grpc: Number(m[1]), admin: Number(m[2]), policy: Number(m[3]) };
}

/** The first WatchPort message for `workload` and `port`: its protocol and server labels. */
function firstPolicy(port: number, workload: string, target: number): Promise<string> {
  const client = new InboundServerPoliciesClient(`127.0.0.1:${port}`, credentials.createInsecure());
  return new Promise((resolve, reject) => {
    const call = client.watchPort({ workload, port: target });
    call.on('data', (s: inbound.Server) => {
      call.cancel();
      client.close();
      resolve(`${s.protocol?.kind} ${s.labels?.kind}/${s.labels?.name}`);
    });
    call.on('error', () => {});
    call.on('status', (st: StatusObject) => {
      if (st.code !== 1) reject(new Error(`WatchPort ended: ${st.code} ${st.details}`));
    });
  });
}

/** The addresses of the first Get message for `path`. */
function firstAdd(port: number, path: string): Promise<string[]> {
  const client = new DestinationClient(`127.0.0.1:${port}`, credentials.createInsecure());
  return new Promise((resolve, reject) => {
    const call = client.get({ path });
    call.on('data', (u: destination.Update) => {
      call.cancel();
      client.close();
      resolve((u.add?.addrs ?? []).map((a) => tcpAddressToString(a.addr!)));
    });
    call.on('error', () => {});
    call.on('status', (s: StatusObject) => {
      if (s.code !== 1) reject(new Error(`Get ended: ${s.code} ${s.details}`));
    });
  });
}

describe('skein-destination', () => {
  it('serves Get from Kubernetes through a kubeconfig, with metrics, readiness and watch-error logs', async () => {
    const api = await startKubeApiServer({ preloadLinkerdCrds: true });
    try {
      const kubeconfig = join(dir, 'kubeconfig');
      writeFileSync(kubeconfig, api.kubeconfig);
      api.store.create({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web', namespace: 'default' },
        spec: { ports: [{ port: 80, name: 'http' }] },
      });
      const slice = (ip: string) => ({
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: 'web-a', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
        addressType: 'IPv4',
        ports: [{ name: 'http', port: 8080 }],
        endpoints: [{ addresses: [ip], conditions: { ready: true } }],
      });
      api.store.create(slice('10.9.0.1'));
      api.store.create({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'web-0', namespace: 'default', labels: { app: 'web' } },
        spec: { containers: [{ name: 'app', image: 'app' }] },
      });
      api.store.create({
        apiVersion: 'policy.linkerd.io/v1beta3',
        kind: 'Server',
        metadata: { name: 'web-http', namespace: 'default' },
        spec: { podSelector: { matchLabels: { app: 'web' } }, port: 8080, proxyProtocol: 'HTTP/2' },
      });
      const { proc, grpc, admin, policy } = await start([
        `-kubeconfig=${kubeconfig}`,
        '-default-policy=deny',
      ]);
      await waitFor(async () => (await fetch(`http://127.0.0.1:${admin}/ready`)).status === 200, {
        what: 'readiness',
      });
      expect(await firstAdd(grpc, 'web.default.svc.cluster.local:80')).toEqual(['10.9.0.1:8080']);
      expect(await firstPolicy(policy, '{"ns":"default","pod":"web-0"}', 8080)).toBe('http2 server/web-http');
      expect(await firstPolicy(policy, 'default:web-0', 9090)).toBe('detect default/deny');
      api.faults.dropWatches({ path: '/apis/discovery.k8s.io/v1/endpointslices', abrupt: true });
      api.store.apply(slice('10.9.0.2'));
      await proc.waitForLine(/watch of endpointslices failed; restarting/);
      await waitFor(
        async () => (await firstAdd(grpc, 'web.default.svc.cluster.local:80'))[0] === '10.9.0.2:8080',
        {
          what: 'the change made during the watch failure',
        },
      );
      const metrics = await (await fetch(`http://127.0.0.1:${admin}/metrics`)).text();
      expect(metrics).toMatch(/skein_destination_watch_failures_total\{resource="endpointslices"\} [1-9]/);
      expect(metrics).toContain('skein_destination_messages_total{method="Get"}');
      expect(metrics).toContain('skein_policy_messages_total{method="WatchPort"} 2');
      expect(metrics).toContain('process_cpu_user_seconds_total');
      expect((await fetch(`http://127.0.0.1:${admin}/ping`)).status).toBe(200);
      expect(await proc.close()).toEqual({ code: 0, signal: null });
    } finally {
      await api.close();
    }
  });

  it('serves a static discovery file without Kubernetes', async () => {
    const file = join(dir, 'mesh.yaml');
    writeFileSync(
      file,
      'services: [{ name: web, namespace: emojivoto, ports: [80], endpoints: [{ ip: 127.0.1.2 }] }]\n' +
        'servers: [{ metadata: { name: web, namespace: emojivoto }, spec: { podSelector: {}, port: 80, proxyProtocol: opaque } }]\n',
    );
    const { proc, grpc, admin, policy } = await start([], { SKEIN_DESTINATION_STATIC_FILE: file });
    expect((await fetch(`http://127.0.0.1:${admin}/ready`)).status).toBe(200);
    expect(await firstAdd(grpc, 'web.emojivoto.svc.cluster.local:80')).toEqual(['127.0.1.2:80']);
    expect(await firstPolicy(policy, 'emojivoto:web-0', 80)).toBe('opaque server/web');
    expect(await proc.close()).toEqual({ code: 0, signal: null });
  });

  it('exits 2 naming the flag or variable that is wrong, and 1 for an unusable static file', async () => {
    const bad = await runProcess({
      command: NODE,
      args: [MAIN, '-addr=:99999'],
      env: {
        ...process.env,
        SKEIN_DESTINATION_ENABLE_IPV6: 'maybe',
        SKEIN_DESTINATION_DEFAULT_POLICY: 'open',
      },
    });
    expect(await bad.exited).toEqual({ code: 2, signal: null });
    expect(bad.stderr()).toContain(
      'invalid SKEIN_DESTINATION_DEFAULT_POLICY="open": expected one of all-unauthenticated',
    );
    expect(bad.stderr()).toContain('invalid -addr=":99999"');
    expect(bad.stderr()).toContain('invalid SKEIN_DESTINATION_ENABLE_IPV6="maybe": expected true or false');
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'services: [{ name: Web }]');
    const broken = await runProcess({
      command: NODE,
      args: [MAIN, `-static-file=${file}`, '-addr=127.0.0.1:0', '-admin-addr=127.0.0.1:0'],
    });
    expect(await broken.exited).toEqual({ code: 1, signal: null });
    expect(broken.stderr()).toContain(
      `skein-destination: cannot start: invalid ${file}: services[0].name="Web": expected a DNS-1123 label`,
    );
  });
});
