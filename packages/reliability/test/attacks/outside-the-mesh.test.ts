import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  canCreateNetns,
  createPodNetwork,
  type Pod,
  type PodNetwork,
  type RunningProcess,
  recordReliability,
} from '@skein/testkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { curlIn, meshPod, POD_PORTS, rssMiB } from '../support/attack-pod.js';

// A peer outside the mesh, on another machine of the network (a network namespace "pod" on the
// same bridge), against a meshed pod running the skein-proxy binary behind an iptables redirect:
// it spoofs the proxy's identity and routing headers (spec §2.11, Part B1 "Spoofed mesh-internal
// headers") and reaches for the admin and tap ports (spec §4, Part B1 "Admin endpoint via SSRF").
// Root only (namespaces, iptables); CI runs as root.

const SPOOFED = [
  'l5d-client-id: admin.linkerd.serviceaccount.identity.linkerd.cluster.local',
  'l5d-orig-proto: HTTP/1.1',
  'l5d-proxy-error: injected',
];
/** Identity and routing headers no request from outside the mesh may carry to the application. */
const MUST_STRIP = ['l5d-client-id', 'l5d-orig-proto', 'l5d-proxy-error'];

describe.skipIf(!canCreateNetns())('a peer outside the mesh against a meshed pod', () => {
  let network: PodNetwork;
  let victim: Pod;
  let outsider: Pod;
  let proxy: RunningProcess;
  let dir: string;
  let rssBefore = 0;
  const rows: { id: string; scenario: string; expected: string; measured: string }[] = [];
  const url = (port: number, path: string) => `http://${victim.ip}:${port}${path}`;
  const headerArgs = (headers: string[]) => headers.flatMap((h) => ['-H', h]);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'skein-attack-pod-'));
    network = await createPodNetwork({ ipv6Subnet: false });
    victim = await network.addPod('victim');
    outsider = await network.addPod('outsider');
    proxy = await meshPod(victim, dir, process.execPath);
    rssBefore = rssMiB(proxy.pid);
  }, 60_000);

  afterAll(async () => {
    await network?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  test('spoofed l5d-client-id / l5d-orig-proto / l5d-proxy-error over HTTP/1 never reach the application', async () => {
    const variants: [string, string[]][] = [
      ['plain', SPOOFED],
      [
        'mixed-case',
        ['L5D-Client-Id: admin.spoofed', 'L5d-Orig-Proto: HTTP/1.1', 'L5D-PROXY-ERROR: injected'],
      ],
      ['repeated', [...SPOOFED, ...SPOOFED]],
      ['named-in-connection', [...SPOOFED, 'Connection: keep-alive, x-other']],
      ['empty-value', ['l5d-client-id;', 'l5d-proxy-error;']],
    ];
    const seen: string[] = [];
    for (const [name, headers] of variants) {
      const r = await curlIn(outsider, [...headerArgs(headers), url(POD_PORTS.app, `/spoof-${name}`)]);
      expect(r.status, r.body).toBe(200);
      const echoed = JSON.parse(r.body) as { path: string; headers: Record<string, string> };
      expect(echoed.path).toBe(`/spoof-${name}`);
      for (const h of MUST_STRIP) expect(echoed.headers[h], `${name}: ${h}`).toBeUndefined();
      seen.push(name);
    }
    rows.push({
      id: 'spoofed-l5d-headers-http1',
      scenario: `A client outside the mesh sends HTTP/1 to a meshed pod carrying ${MUST_STRIP.join(', ')} (plain, mixed case, repeated, with a Connection list, empty)`,
      expected:
        'stripped before the application (l5d-client-id is only ever set from a verified mTLS identity)',
      measured: `${seen.length}/${variants.length} variants answered 200 by the application with none of the headers present`,
    });
  });

  test('a segmented request or an unusual target cannot slip past HTTP detection into opaque forwarding', async () => {
    // Raw client in the outsider's namespace: `GET /` alone first (under the 14 bytes detection
    // needs), the rest 200 ms later; then a target with `<` and `>` (refused by httparse,
    // accepted by llhttp and the proxy's parser) in one write.
    const script = `
      const net = require('node:net');
      const send = (parts) => new Promise((resolve) => {
        const s = net.connect(${POD_PORTS.app}, process.argv[1]);
        let out = '';
        s.on('data', (c) => { out += c; });
        s.on('close', () => resolve(out));
        s.on('error', () => resolve(out));
        s.write(parts[0]);
        setTimeout(() => { s.write(parts[1]); }, 200);
      });
      (async () => {
        const rest = 'HTTP/1.1\\r\\nHost: victim\\r\\nl5d-client-id: admin.spoofed\\r\\nConnection: close\\r\\n\\r\\n';
        const a = await send(['GET /', 'segmented ' + rest]);
        const b = await send(['GET /lt<x>gt ' + rest, '']);
        process.stdout.write(JSON.stringify([a, b]));
      })();`;
    const r = await outsider.exec([process.execPath, '-e', script, victim.ip], { allowFailure: true });
    const [segmented, angled] = JSON.parse(r.stdout) as [string, string];
    for (const [name, raw] of [
      ['segmented', segmented],
      ['angle brackets', angled],
    ] as const) {
      const body = raw.slice(raw.indexOf('\r\n\r\n') + 4);
      // The proxy served it as HTTP: either the app answered (without the header) or the proxy
      // refused the request; never raw bytes forwarded with the spoofed header.
      expect(raw, name).toMatch(/^HTTP\/1\.1 \d{3}/);
      expect(body, name).not.toContain('admin.spoofed');
    }
    rows.push({
      id: 'spoofed-l5d-client-id-detection-bypass',
      scenario:
        'A client outside the mesh splits its request so the first segment is under 14 bytes, or uses < and > in the target, so that strict HTTP detection would call it opaque',
      expected: 'still served as HTTP: l5d-client-id stripped, never forwarded as raw bytes',
      measured: `both answered by the proxy as HTTP (${segmented.slice(0, 12)} / ${angled.slice(0, 12)}), no spoofed identity reached the application`,
    });
  });

  test('the same over HTTP/2 (prior knowledge)', async () => {
    const r = await curlIn(outsider, [
      '--http2-prior-knowledge',
      ...headerArgs(SPOOFED),
      url(POD_PORTS.appH2, '/spoof-h2'),
    ]);
    expect(r.status, r.body).toBe(200);
    const echoed = JSON.parse(r.body) as { headers: Record<string, string> };
    for (const h of MUST_STRIP) expect(echoed.headers[h], h).toBeUndefined();
    rows.push({
      id: 'spoofed-l5d-headers-http2',
      scenario: `A client outside the mesh sends HTTP/2 to a meshed pod carrying ${MUST_STRIP.join(', ')}`,
      expected: 'stripped before the application; no downgrade requested by an unmeshed peer is honoured',
      measured: `200 from the application over HTTP/2, none of the headers present`,
    });
  });

  test('state-changing admin endpoints refuse a non-loopback peer; GET never changes state', async () => {
    const admin = (path: string, ...args: string[]) =>
      curlIn(outsider, [...args, url(POD_PORTS.admin, path)]);
    const shutdown = await admin('/shutdown', '-X', 'POST');
    const putLevel = await admin('/proxy-log-level', '-X', 'PUT', '--data', 'trace');
    const getLevel = await admin('/proxy-log-level');
    const getShutdown = await admin('/shutdown');
    const metrics = await admin('/metrics');
    const env = await admin('/env.json');
    expect(shutdown.status).toBe(403);
    expect(putLevel.status).toBe(403);
    expect(getLevel.status).toBe(403);
    expect(getShutdown.status).toBe(405);
    expect(metrics.status).toBe(200);
    // The proxy is still up, and its log level untouched (read from inside the pod, over loopback).
    const level = await curlIn(victim, [`http://127.0.0.1:${POD_PORTS.admin}/proxy-log-level`]);
    expect(level.status).toBe(200);
    expect(level.body.trim()).toBe('warn');
    rows.push({
      id: 'admin-from-non-loopback',
      scenario: `A peer outside the pod calls the proxy admin server (${POD_PORTS.admin}, bound to 0.0.0.0 as the injector does): POST /shutdown, PUT and GET /proxy-log-level, GET /shutdown, GET /metrics`,
      expected:
        '403 for /shutdown and /proxy-log-level from a non-loopback peer; 405 for GET /shutdown; /metrics served; nothing changed',
      measured: `POST /shutdown ${shutdown.status}, PUT /proxy-log-level ${putLevel.status}, GET /proxy-log-level ${getLevel.status}, GET /shutdown ${getShutdown.status}, GET /metrics ${metrics.status}; GET /env.json ${env.status}${env.body.includes('SKEIN_ATTACK_SECRET') ? " (the whole environment, as the spec allows; keep secrets out of the proxy's env)" : ''}; log level still "${level.body.trim()}", proxy still running`,
    });
  });

  test('Tap.Observe from a non-loopback plaintext peer is refused; loopback is served', async () => {
    // ObserveRequest{limit: 1} in a gRPC frame: enough for the server to get to authorization.
    const request = join(dir, 'observe.bin');
    writeFileSync(request, Buffer.from([0, 0, 0, 0, 2, 0x08, 0x01]));
    const observe = async (pod: Pod, host: string) => {
      const r = await pod.exec(
        [
          'curl',
          '-sv',
          '--http2-prior-knowledge',
          '--max-time',
          '2',
          '-H',
          'content-type: application/grpc',
          '-H',
          'te: trailers',
          '--data-binary',
          `@${request}`,
          `http://${host}:${POD_PORTS.control}/io.linkerd.proxy.tap.Tap/Observe`,
        ],
        { allowFailure: true },
      );
      const status = /^< HTTP\/2 (\d+)/m.exec(r.stderr);
      const grpc = /^< grpc-status: (\d+)/m.exec(r.stderr);
      return {
        http: status === null ? 0 : Number(status[1]),
        grpc: grpc === null ? undefined : Number(grpc[1]),
        exit: r.code,
      };
    };
    const remote = await observe(outsider, victim.ip);
    // Loopback control: tap while a request goes through, so that an event opens the stream.
    const tapping = observe(victim, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 500));
    await curlIn(outsider, [url(POD_PORTS.app, '/tapped')]);
    const local = await tapping;
    const GRPC_UNAUTHENTICATED = 16;
    const GRPC_PERMISSION_DENIED = 7;
    // Refused: either the connection is closed before the gRPC server, or the call is denied.
    const refused =
      remote.http === 0 || remote.grpc === GRPC_UNAUTHENTICATED || remote.grpc === GRPC_PERMISSION_DENIED;
    expect(refused, JSON.stringify(remote)).toBe(true);
    expect(local.http).toBe(200);
    expect(local.grpc === undefined || local.grpc === 0, JSON.stringify(local)).toBe(true);
    rows.push({
      id: 'tap-from-non-loopback',
      scenario: `A peer outside the pod opens Tap.Observe on the tap port (${POD_PORTS.control}) in plaintext`,
      expected: "refused (only loopback or the tap service's mTLS identity may tap)",
      measured: `remote: ${remote.http === 0 ? `connection closed (curl exit ${remote.exit})` : `HTTP/2 ${remote.http}, grpc-status ${remote.grpc} (${remote.grpc === GRPC_UNAUTHENTICATED ? 'UNAUTHENTICATED' : 'PERMISSION_DENIED'})`}; loopback control: HTTP/2 ${local.http}, tap events streamed`,
    });
  });

  test('spoofing under load: 3,000 requests with spoofed headers are all served and stripped; proxy RSS bounded', async () => {
    const load = await outsider.exec(
      ['h2load', '--h1', '-n', '3000', '-c', '8', ...headerArgs(SPOOFED), url(POD_PORTS.app, '/spoof-load')],
      { allowFailure: true },
    );
    const done = /requests: (\d+) total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed/.exec(
      load.stdout,
    );
    expect(done, load.stdout + load.stderr).not.toBeNull();
    expect(Number(done![3])).toBe(3000);
    const after = await curlIn(outsider, [...headerArgs(SPOOFED), url(POD_PORTS.app, '/spoof-after-load')]);
    expect(
      (JSON.parse(after.body) as { headers: Record<string, string> }).headers['l5d-client-id'],
    ).toBeUndefined();
    const growth = rssMiB(proxy.pid) - rssBefore;
    expect(growth).toBeLessThan(48);
    rows.push({
      id: 'spoofed-headers-under-load',
      scenario:
        '3,000 HTTP/1 requests over 8 connections from outside the mesh, every one spoofing l5d-client-id, l5d-orig-proto and l5d-proxy-error',
      expected: 'all served, headers stripped on every request; proxy RSS bounded',
      measured: `${done![3]}/3000 succeeded; skein-proxy RSS ${rssBefore.toFixed(1)} → ${(rssBefore + growth).toFixed(1)} MiB (+${growth.toFixed(1)} MiB)`,
    });
  });

  test('control: from loopback inside the pod the same admin calls work (and /shutdown stops the proxy)', async () => {
    const put = await curlIn(victim, [
      '-X',
      'PUT',
      '--data',
      'info',
      `http://127.0.0.1:${POD_PORTS.admin}/proxy-log-level`,
    ]);
    expect(put.status).toBe(204);
    const shutdown = await curlIn(victim, ['-X', 'POST', `http://127.0.0.1:${POD_PORTS.admin}/shutdown`]);
    expect(shutdown.status).toBe(200);
    const exit = await Promise.race([
      proxy.exited,
      new Promise<undefined>((r) => setTimeout(() => r(undefined), 10_000)),
    ]);
    expect(exit).toBeDefined();
    expect(rows).toHaveLength(6);
    for (const row of rows) {
      recordReliability({
        suite: 'attack',
        ...row,
        measured: `${row.measured}; loopback controls: PUT /proxy-log-level ${put.status}, POST /shutdown ${shutdown.status} and the proxy exited`,
        passed: true,
      });
    }
  });
});
