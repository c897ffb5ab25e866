import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  applyJsonPatch,
  createInjectorAdmissionHandler,
  Injector,
  type KubeObject,
  type PodTemplate,
  resolveValues,
} from '@skein/inject';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { proxyResourcesByTier, teamAnnotation } from '../src/mutators.ts';

const ANCHORS = '-----BEGIN CERTIFICATE-----\nZXhhbXBsZQ==\n-----END CERTIFICATE-----\n';
const values = resolveValues([{ identityTrustAnchorsPEM: ANCHORS }]).values;
const mutators = [
  teamAnnotation({ shop: 'checkout-team' }),
  proxyResourcesByTier({ critical: { cpu: '200m', memory: '128Mi' } }),
];

function deployment(tier?: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'checkout', namespace: 'shop' },
    spec: {
      selector: { matchLabels: { app: 'checkout' } },
      template: {
        metadata: {
          labels: { app: 'checkout', ...(tier === undefined ? {} : { 'example.com/tier': tier }) },
        },
        spec: { containers: [{ name: 'checkout', image: 'acme/checkout:3' }] },
      },
    },
  };
}

const template = (o: unknown) => (o as { spec: { template: PodTemplate } }).spec.template;
const proxyOf = (t: PodTemplate) => t.spec!.initContainers!.find((c) => c.name === 'linkerd-proxy')!;

describe('example mutators', () => {
  it('annotate the team and size the proxy of critical pods, in the object and the patch alike', () => {
    const injector = new Injector({ values, mutators });
    const input = deployment('critical');
    const { object, patch } = injector.inject(input);
    const t = template(object);
    expect(t.metadata!.annotations!['example.com/team']).toBe('checkout-team');
    expect(proxyOf(t).resources).toEqual({
      requests: { cpu: '200m', memory: '128Mi' },
      limits: { memory: '128Mi' },
    });
    const replayed = structuredClone(input);
    applyJsonPatch(replayed, patch);
    expect(replayed).toEqual(object);
  });

  it('leave pods of other tiers and unknown namespaces with defaults', () => {
    const other = { ...deployment('web'), metadata: { name: 'x', namespace: 'elsewhere' } };
    const t = template(new Injector({ values, mutators }).inject(other).object);
    expect(t.metadata!.annotations!['example.com/team']).toBe('unowned');
    expect(proxyOf(t).resources).toBeUndefined();
  });

  it('do not override resources set by annotation', () => {
    const d = deployment('critical');
    template(d).metadata!.annotations = { 'config.linkerd.io/proxy-memory-request': '1Gi' };
    const t = template(new Injector({ values, mutators }).inject(d).object);
    expect(proxyOf(t).resources).toEqual({ requests: { memory: '1Gi' } });
  });

  it('run in the webhook too: the admission patch carries their changes', async () => {
    const handler = createInjectorAdmissionHandler({
      injector: new Injector({ values, origin: 'webhook', mutators }),
      getNamespace: async () => ({ metadata: { annotations: { 'linkerd.io/inject': 'enabled' } } }),
    });
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { namespace: 'shop', labels: { 'example.com/tier': 'critical' } },
      spec: { containers: [{ name: 'c', image: 'c:1' }] },
    };
    const response = await handler({
      uid: 'u',
      kind: { group: '', version: 'v1', kind: 'Pod' },
      namespace: 'shop',
      operation: 'CREATE',
      object: pod,
    });
    const patched = structuredClone(pod) as KubeObject;
    applyJsonPatch(patched, JSON.parse(Buffer.from(response.patch!, 'base64').toString()));
    expect(patched.metadata!.annotations!['example.com/team']).toBe('checkout-team');
    expect(proxyOf(patched as PodTemplate).resources).toEqual({
      requests: { cpu: '200m', memory: '128Mi' },
      limits: { memory: '128Mi' },
    });
  });

  it('the demo script injects stdin with the mutators', () => {
    const run = spawnSync(process.execPath, [join(import.meta.dirname, '../src/main.ts')], {
      input: stringify(deployment('critical')),
      encoding: 'utf8',
      env: { ...process.env, TRUST_ANCHORS_PEM: ANCHORS },
    });
    expect(run.status, run.stderr).toBe(0);
    const out = parse(run.stdout.replace(/---\n$/, '')) as KubeObject;
    expect(template(out).metadata!.annotations!['example.com/team']).toBe('checkout-team');
    expect(run.stderr).toContain('deployment "checkout" injected');
  });
});
