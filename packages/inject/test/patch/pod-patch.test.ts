import jsonpatch from 'fast-json-patch';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/k8s/types.js';
import { Injector } from '../../src/transform/injector.js';
import { emojivotoDeployment, pod, testValues } from '../fixtures.js';

const paths = (ops: readonly { op: string; path: string }[]) => ops.map((o) => `${o.op} ${o.path}`);

describe('the JSON Patch', () => {
  it('follows Linkerd order for a pod without metadata maps, native sidecar (default)', () => {
    const injector = new Injector({ values: testValues(), origin: 'webhook' });
    const p = pod();
    delete (p.metadata as Record<string, unknown>).labels;
    const { patch } = injector.inject(p, {
      namespace: 'emojivoto',
      namespaceAnnotations: { 'linkerd.io/inject': 'enabled' },
    });
    expect(paths(patch)).toEqual([
      'add /metadata/annotations',
      'add /metadata/annotations/linkerd.io~1created-by',
      'add /metadata/annotations/linkerd.io~1inject',
      'add /metadata/annotations/linkerd.io~1proxy-version',
      'add /metadata/annotations/linkerd.io~1trust-root-sha256',
      'add /metadata/labels',
      'add /metadata/labels/linkerd.io~1control-plane-ns',
      'add /metadata/labels/linkerd.io~1proxy-replicaset',
      'add /metadata/labels/linkerd.io~1workload-ns',
      'add /spec/volumes',
      'add /spec/initContainers',
      'add /spec/volumes/-',
      'add /spec/initContainers/-',
      'add /spec/volumes/-',
      'add /spec/volumes/-',
      'add /spec/initContainers/1',
    ]);
    const values = patch.map((o) => ('value' in o ? o.value : undefined)) as Record<string, unknown>[];
    expect(values[9]).toEqual([]);
    expect(values[10]).toEqual([]);
    expect((values[11] as { name: string }).name).toBe('linkerd-proxy-init-xtables-lock');
    expect(values[12]!.name).toBe('linkerd-init');
    expect((values[13] as { name: string }).name).toBe('linkerd-identity-end-entity');
    expect((values[14] as { name: string }).name).toBe('linkerd-identity-token');
    expect((values[15] as { name: string; restartPolicy: string }).restartPolicy).toBe('Always');
  });

  it('puts the proxy first among containers when awaiting without native sidecars, last without await', () => {
    const awaiting = new Injector({ values: testValues({ proxy: { nativeSidecar: false } }) });
    const a = awaiting.inject(emojivotoDeployment()).patch;
    expect(paths(a).at(-1)).toBe('add /spec/template/spec/containers/0');
    const proxy = (a.at(-1) as { value: Record<string, unknown> }).value;
    expect(proxy.lifecycle).toEqual({
      postStart: { exec: { command: ['/usr/lib/linkerd/linkerd-await', '--timeout=2m', '--port=4191'] } },
    });
    expect(proxy.restartPolicy).toBeUndefined();
    expect(proxy.startupProbe).toBeUndefined();
    const last = new Injector({
      values: testValues({ proxy: { nativeSidecar: false, await: false, waitBeforeExitSeconds: 5 } }),
    });
    const b = last.inject(emojivotoDeployment()).patch;
    expect(paths(b).at(-1)).toBe('add /spec/template/spec/containers/-');
    expect((b.at(-1) as { value: Record<string, unknown> }).value.lifecycle).toEqual({
      preStop: { exec: { command: ['/bin/sleep', '5'] } },
    });
  });

  it('with CNI adds the network validator and no xtables volume; the debug container goes last', () => {
    const injector = new Injector({ values: testValues({ cniEnabled: true }) });
    const { patch } = injector.inject(emojivotoDeployment(), {
      annotations: { 'config.linkerd.io/enable-debug-sidecar': 'true' },
    });
    const spec = paths(patch).filter((p) => p.includes('/spec/template/spec/'));
    expect(spec).toEqual([
      'add /spec/template/spec/volumes',
      'add /spec/template/spec/initContainers',
      'add /spec/template/spec/initContainers/-',
      'add /spec/template/spec/containers/-',
      'add /spec/template/spec/volumes/-',
      'add /spec/template/spec/volumes/-',
      'add /spec/template/spec/initContainers/1',
    ]);
  });

  it('places the native proxy right after linkerd-init when the pod has init containers', () => {
    const d = emojivotoDeployment();
    const spec = (d.spec as { template: { spec: Record<string, unknown> } }).template.spec;
    spec.initContainers = [{ name: 'migrate', image: 'migrate:1' }];
    const { object } = new Injector({ values: testValues() }).inject(d);
    const inits = (
      object as typeof d & { spec: { template: { spec: { initContainers: { name: string }[] } } } }
    ).spec.template.spec.initContainers;
    expect(inits.map((c) => c.name)).toEqual(['migrate', 'linkerd-init', 'linkerd-proxy']);
  });

  it.each([
    ['a deployment', () => emojivotoDeployment(), {}],
    [
      'a pod in the webhook',
      () => pod({ ports: [80, 3306] }),
      {
        namespace: 'emojivoto',
        namespaceAnnotations: { 'linkerd.io/inject': 'enabled', 'config.linkerd.io/proxy-cpu-limit': '2' },
      },
    ],
    [
      'a cronjob without template metadata',
      () =>
        ({
          apiVersion: 'batch/v1',
          kind: 'CronJob',
          metadata: { name: 'hello' },
          spec: {
            schedule: '* * * * *',
            jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c' }] } } } },
          },
        }) as KubeObject,
      {},
    ],
  ])('applied with fast-json-patch to %s gives the mutated object', (_what, make, options) => {
    const injector = new Injector({
      values: testValues(),
      origin: 'namespaceAnnotations' in options ? 'webhook' : 'cli',
    });
    const input = make();
    const { object, patch } = injector.inject(input, options);
    const applied = jsonpatch.applyPatch(
      structuredClone(input),
      structuredClone(patch) as jsonpatch.Operation[],
      true,
      false,
    ).newDocument;
    expect(applied).toEqual(object);
    expect(input).toEqual(make());
  });
});
