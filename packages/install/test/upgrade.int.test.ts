import type { KubernetesObject } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { renderCrds } from '../src/crds/render-crds.js';
import { diffWithCluster, formatDiff } from '../src/manifest/manifest-diff.js';
import { formatManifest } from '../src/manifest/manifest-text.js';
import { uninstallObjects } from '../src/manifest/uninstall.js';
import type { KubeObject } from '../src/render/kube-types.js';
import { renderControlPlane } from '../src/render/render-control-plane.js';
import { readInstallation } from '../src/upgrade/read-installation.js';
import { resolveUpgradeConfig } from '../src/upgrade/upgrade-config.js';
import { resolveInstallConfig } from '../src/values/install-config.js';
import { applyObjects, type ClusterFixture, startCluster } from './support/cluster-fixture.js';

let fixture: ClusterFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

function find(list: readonly KubeObject[], kind: string, name: string): KubeObject {
  return list.find((o) => o.kind === kind && o.metadata?.name === name)!;
}

async function installed() {
  const config = resolveInstallConfig({
    version: '0.1.0',
    values: [{ controllerLogLevel: 'debug', proxy: { logLevel: 'warn' } }],
    now: Date.parse('2026-09-01T08:30:00Z'),
  });
  fixture = await startCluster();
  const objects = [...renderCrds(), ...renderControlPlane(config)];
  await applyObjects(fixture, objects);
  return { config, objects, f: fixture };
}

describe('upgrade', () => {
  it('keeps the identity material, webhook certificates, heartbeat schedule and values, and moves the images', async () => {
    const { config, f } = await installed();
    const installation = await readInstallation(f.cluster, 'linkerd');
    expect(installation.version).toBe('0.1.0');
    expect(installation.overrides).toEqual({ controllerLogLevel: 'debug', proxy: { logLevel: 'warn' } });
    const upgraded = resolveUpgradeConfig(installation, {
      version: '0.2.0',
      namespace: 'linkerd',
      values: [{ webhookFailurePolicy: 'Fail' }],
    });
    expect(upgraded.identity.trustAnchorsPem).toBe(config.identity.trustAnchorsPem);
    expect(upgraded.identity.issuer).toEqual(config.identity.issuer);
    expect(upgraded.webhooks.proxyInjector).toEqual(config.webhooks.proxyInjector);
    expect(upgraded.controlPlane.controllerLogLevel).toBe('debug');
    expect(upgraded.values.proxy.logLevel).toBe('warn');
    const objects = renderControlPlane(upgraded);
    expect((find(objects, 'CronJob', 'linkerd-heartbeat').spec as { schedule: string }).schedule).toBe(
      '40 8 * * *',
    );
    const identity = find(objects, 'Deployment', 'linkerd-identity');
    expect(formatManifest([identity])).toContain('image: ghcr.io/skein-mesh/identity:0.2.0');

    const changes = await diffWithCluster(f.cluster, objects);
    const byName = (kind: string, name: string) =>
      changes.find((c) => c.object.kind === kind && c.object.metadata?.name === name)!;
    // Only the version label moves on the identity material: the data is kept.
    for (const [kind, name] of [
      ['Secret', 'linkerd-identity-issuer'],
      ['Secret', 'linkerd-proxy-injector-k8s-tls'],
      ['ConfigMap', 'linkerd-identity-trust-roots'],
    ] as const) {
      expect(byName(kind, name).operations, name).toEqual([
        { op: 'replace', path: '/metadata/labels/app.kubernetes.io~1version', value: '0.2.0' },
      ]);
    }
    const deployment = byName('Deployment', 'linkerd-identity');
    expect(deployment.change).toBe('update');
    expect(deployment.operations).toContainEqual({
      op: 'replace',
      path: '/spec/template/spec/containers/0/image',
      value: 'ghcr.io/skein-mesh/identity:0.2.0',
    });
    const hook = byName('MutatingWebhookConfiguration', 'linkerd-proxy-injector-webhook-config');
    expect(hook.operations).toEqual([
      { op: 'replace', path: '/metadata/labels/app.kubernetes.io~1version', value: '0.2.0' },
      { op: 'replace', path: '/webhooks/0/failurePolicy', value: 'Fail' },
    ]);
    const text = formatDiff(changes);
    expect(text).toContain('~ Deployment/linkerd/linkerd-identity\n');
    expect(text).toContain(
      '    replace /spec/template/spec/containers/0/image "ghcr.io/skein-mesh/identity:0.2.0"\n',
    );
    expect(text).not.toMatch(/PRIVATE KEY/);
    expect(text).toMatch(/\d+ to create, \d+ to update, \d+ unchanged\n$/);
  });

  it('reports that nothing would change when upgrading to the same version with the same values', async () => {
    const { f } = await installed();
    const installation = await readInstallation(f.cluster, 'linkerd');
    const same = renderControlPlane(
      resolveUpgradeConfig(installation, { version: '0.1.0', namespace: 'linkerd' }),
    );
    const changes = await diffWithCluster(f.cluster, same);
    // The generated Secrets and ConfigMaps are re-rendered from the cluster's material, so nothing moves.
    expect(
      changes
        .filter((c) => c.change !== 'unchanged')
        .map((c) => `${c.object.kind}/${c.object.metadata?.name}`),
    ).toEqual([]);
  });

  it('fails with a clear message when nothing is installed', async () => {
    fixture = await startCluster();
    await expect(readInstallation(fixture.cluster, 'linkerd')).rejects.toThrow(
      'no Skein/Linkerd control plane in namespace linkerd: configmap linkerd-config not found',
    );
  });
});

describe('uninstall', () => {
  it('lists every object in reverse install order, and deleting them in that order empties the cluster', async () => {
    const { objects, f } = await installed();
    const refs = uninstallObjects(objects);
    expect(refs).toHaveLength(objects.length);
    expect(refs.slice(0, 2).map((r) => r.kind)).toEqual([
      'ValidatingWebhookConfiguration',
      'MutatingWebhookConfiguration',
    ]);
    expect(refs.at(-1)).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'linkerd' } });
    expect(refs.slice(-11, -1).every((r) => r.kind === 'CustomResourceDefinition')).toBe(true);
    for (const ref of refs) await f.objects.delete(ref as KubernetesObject);
    for (const o of objects) {
      const key = {
        apiVersion: o.apiVersion!,
        kind: o.kind!,
        name: o.metadata!.name!,
        ...(o.metadata?.namespace === undefined ? {} : { namespace: o.metadata.namespace }),
      };
      expect(await f.cluster.get(key), `${o.kind}/${o.metadata?.name}`).toBeUndefined();
    }
  });
});
