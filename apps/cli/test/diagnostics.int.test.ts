import { spawn } from 'node:child_process';
import { parseStaticDiscovery } from '@skein/discovery';
import {
  type RunningDestinationServer,
  StaticDestinationBackend,
  serveDestination,
} from '@skein/discovery/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SKEIN_BIN, type SkeinRun } from './run-skein.js';

let server: RunningDestinationServer;

beforeAll(async () => {
  const discovery = parseStaticDiscovery(`
services:
  - name: web
    namespace: demo
    ports: [80]
    endpoints:
      - { ip: 10.1.0.7, pod: web-0, serviceAccount: web, meshed: true }
profiles:
  - apiVersion: linkerd.io/v1alpha2
    kind: ServiceProfile
    metadata: { name: web.demo.svc.cluster.local, namespace: demo }
    spec: { routes: [{ name: home, condition: { method: GET, pathRegex: / } }] }
`);
  server = await serveDestination({
    backend: new StaticDestinationBackend({ discovery }),
    address: '127.0.0.1:0',
  });
});

afterAll(async () => {
  await server?.close(500);
});

function skein(args: string[]): Promise<SkeinRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SKEIN_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('skein diagnostics against a destination service', () => {
  it('endpoints lists the endpoints of an authority', async () => {
    const run = await skein([
      'diagnostics',
      'endpoints',
      'web.demo.svc.cluster.local:80',
      '--destination-addr',
      `127.0.0.1:${server.port}`,
    ]);
    expect(run.stderr).toBe('');
    expect(run.stdout.split('\n')[0]).toMatch(/^NAMESPACE\s+IP\s+PORT\s+POD\s+SERVICE\s+IDENTITY\s+PROTOCOL/);
    expect(run.stdout).toMatch(
      /^demo\s+10\.1\.0\.7\s+80\s+web-0\s+web\.demo\s+web\.demo\.serviceaccount\.identity\.linkerd\.cluster\.local/m,
    );
  });

  it('profile prints the ServiceProfile, with the address given on the parent command too', async () => {
    const run = await skein([
      'diagnostics',
      '--destination-addr',
      `127.0.0.1:${server.port}`,
      'profile',
      'web.demo.svc.cluster.local:80',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('fullyQualifiedName: web.demo.svc.cluster.local');
    expect(run.stdout).toContain('home');
  });

  it('says so when the destination service cannot be reached', async () => {
    const run = await skein([
      'diagnostics',
      'endpoints',
      'web.demo.svc.cluster.local:80',
      '--destination-addr',
      '127.0.0.1:1',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/127\.0\.0\.1:1/);
  });
});
