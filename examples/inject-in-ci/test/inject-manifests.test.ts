import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { injectManifests } from '../src/inject-manifests.ts';

const root = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'skein-ci-example-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Workload {
  spec: {
    template: {
      metadata: { labels: Record<string, string> };
      spec: { initContainers: { name: string; env: { name: string; value?: string }[] }[] };
    };
  };
}

const docs = (file: string) =>
  (parseAllDocuments(readFileSync(file, 'utf8')) as { toJS(): unknown }[])
    .map((d) => d.toJS())
    .filter(Boolean) as Workload[];

describe('inject in CI', () => {
  it('injects every workload of the directory and leaves Services as they are', async () => {
    const out = join(work, 'out');
    const result = await injectManifests(join(root, 'manifests'), out, {
      values: { linkerdVersion: 'stable-2.19.0' },
      trustAnchorsPem: readFileSync(join(root, 'ci-trust-anchors.pem'), 'utf8'),
    });
    expect(result.errors).toEqual([]);
    expect(result.written).toEqual(['backend/redis.yaml', 'web.yaml']);
    expect(result.reports.map((r) => `${r.kind}/${r.name} ${r.outcome}`)).toEqual([
      'statefulset/redis injected',
      'deployment/web injected',
      'service/web skipped',
    ]);
    const [web, svc] = docs(join(out, 'web.yaml'));
    expect(web!.spec.template.spec.initContainers.map((c) => c.name)).toEqual([
      'linkerd-init',
      'linkerd-proxy',
    ]);
    expect(web!.spec.template.metadata.labels['linkerd.io/proxy-deployment']).toBe('web');
    expect(svc).toEqual(docs(join(root, 'manifests/web.yaml'))[1]);
    const [redis] = docs(join(out, 'backend/redis.yaml'));
    const env = redis!.spec.template.spec.initContainers[1]!.env;
    expect(env.find((e) => e.name === 'LINKERD2_PROXY_INBOUND_PORTS_DISABLE_PROTOCOL_DETECTION')?.value).toBe(
      '6379',
    );
  });

  it('the script fails the build when a workload cannot be meshed', () => {
    const input = join(work, 'bad');
    cpSync(join(root, 'manifests'), input, { recursive: true });
    writeFileSync(
      join(input, 'node-agent.yaml'),
      'apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: node-agent\nspec:\n  selector:\n    matchLabels: {app: agent}\n  template:\n    metadata:\n      labels: {app: agent}\n    spec:\n      hostNetwork: true\n      containers:\n      - name: agent\n        image: agent:1\n',
    );
    const run = spawnSync(process.execPath, [join(root, 'src/main.ts'), input, join(work, 'bad-out')], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('failed to inject daemonset/node-agent: hostNetwork is enabled');
    expect(run.stderr).toContain('deployment "web" injected');
  });

  it('the script succeeds on the sample manifests', () => {
    const run = spawnSync(
      process.execPath,
      [join(root, 'src/main.ts'), join(root, 'manifests'), join(work, 'ok-out')],
      { encoding: 'utf8' },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe('wrote backend/redis.yaml, web.yaml\n');
    expect(readFileSync(join(work, 'ok-out/web.yaml'), 'utf8')).toContain('memory: 20Mi');
  });
});
