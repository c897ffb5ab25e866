import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { allocatePort } from '@skein/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const node = process.execPath;

function started(child: ReturnType<typeof spawn>, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (c: Buffer) => {
      out += c.toString();
      const m = pattern.exec(out);
      if (m) resolve(m[1] ?? m[0]);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

// A ServiceProfile route regex with nested quantifiers takes exponential time in a backtracking
// engine. The profile is valid RE2 (Linkerd accepts it), so skein-proxy must survive it: it
// runs with V8's linear-time fallback for excessive backtracking.
describe('skein-proxy with a catastrophic-backtracking route regex', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skein-redos-'));
  let backend: http.Server;
  let destination: ReturnType<typeof spawn>;
  let proxy: ReturnType<typeof spawn>;
  let outbound = 0;

  beforeAll(async () => {
    backend = http.createServer((req, res) => res.end(`backend ${req.url?.length}`));
    backend.listen(0, '127.0.0.1');
    await once(backend, 'listening');
    const file = join(dir, 'discovery.yaml');
    writeFileSync(
      file,
      `authorities:
  api.shop.svc.cluster.local:80:
    endpoints: [ { address: "127.0.0.1:${(backend.address() as AddressInfo).port}" } ]
profiles:
  - apiVersion: linkerd.io/v1alpha2
    kind: ServiceProfile
    metadata: { name: api.shop.svc.cluster.local, namespace: shop }
    spec:
      routes:
        - name: dashed-ids
          condition: { method: GET, pathRegex: "/api/([a-z0-9]+-?)+" }
`,
    );
    const dstPort = await allocatePort();
    destination = spawn(
      node,
      [
        join(here, '../../destination/dist/main.js'),
        '--addr',
        `127.0.0.1:${dstPort}`,
        '--admin-addr',
        '127.0.0.1:0',
        '--static-file',
        file,
        '--policy-addr',
        '127.0.0.1:0',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    await started(destination, /listening/);
    proxy = spawn(node, [join(here, '../dist/main.js')], {
      env: {
        PATH: process.env.PATH,
        LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR: '127.0.0.1:0',
        LINKERD2_PROXY_INBOUND_LISTEN_ADDR: '127.0.0.1:0',
        LINKERD2_PROXY_ADMIN_LISTEN_ADDR: '127.0.0.1:0',
        LINKERD2_PROXY_DESTINATION_SVC_ADDR: `127.0.0.1:${dstPort}`,
        LINKERD2_PROXY_DESTINATION_CONTEXT: '{"ns":"shop","nodeName":"n1","pod":"client-0"}',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const line = await started(proxy, /skein-proxy ready: (.*)\n/);
    outbound = (JSON.parse(line) as { outbound: { port: number }[] }).outbound[0]!.port;
  });

  afterAll(() => {
    proxy?.kill('SIGKILL');
    destination?.kill('SIGKILL');
    backend?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('matches an adversarial path without freezing and keeps serving', async () => {
    const proxyArg = ['-sS', '--max-time', '15', '-x', `http://127.0.0.1:${outbound}`];
    // Warm: the profile has arrived once a normal route matches.
    expect((await run('curl', [...proxyArg, 'http://api.shop.svc.cluster.local/api/abc-def'])).stdout).toBe(
      'backend 12',
    );
    // 2^40 backtracking steps without the linear-time fallback.
    const evil = `/api/${'a'.repeat(40)}!`;
    const { stdout } = await run('curl', [...proxyArg, `http://api.shop.svc.cluster.local${evil}`]);
    expect(stdout).toBe(`backend ${evil.length}`);
    expect((await run('curl', [...proxyArg, 'http://api.shop.svc.cluster.local/api/x'])).stdout).toBe(
      'backend 6',
    );
  });
});
