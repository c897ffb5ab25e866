import jsonpatch from 'fast-json-patch';
import { describe, expect, it } from 'vitest';
import type { PodTemplate } from '../../src/k8s/types.js';
import { Injector } from '../../src/transform/injector.js';
import type { InjectMutator } from '../../src/transform/mutator.js';
import { emojivotoDeployment, testValues } from '../fixtures.js';

const teamAnnotation: InjectMutator = {
  name: 'team',
  mutate(pod, ctx) {
    pod.metadata!.annotations!['example.com/meshed-by'] = `${ctx.origin}:${ctx.kind}/${ctx.name}`;
  },
};

const biggerProxy: InjectMutator = {
  name: 'bigger-proxy',
  mutate(pod) {
    const proxy = pod.spec!.initContainers!.find((c) => c.name === 'linkerd-proxy')!;
    proxy.resources = { requests: { memory: '128Mi' } };
    pod.spec!.volumes = pod.spec!.volumes!.filter((v) => v.name !== 'linkerd-proxy-init-xtables-lock');
  },
};

describe('mutators', () => {
  it('run after the patch, in order, and their changes join the patch and the object', () => {
    const seen: string[] = [];
    const spy: InjectMutator = {
      name: 'spy',
      mutate(pod) {
        seen.push(String(pod.metadata?.annotations?.['example.com/meshed-by']));
      },
    };
    const injector = new Injector({ values: testValues(), mutators: [teamAnnotation, biggerProxy, spy] });
    const input = emojivotoDeployment();
    const { object, patch } = injector.inject(input);
    expect(seen).toEqual(['cli:deployment/web']);
    const t = (object as { spec: { template: PodTemplate } }).spec.template;
    expect(t.metadata!.annotations!['example.com/meshed-by']).toBe('cli:deployment/web');
    expect(t.spec!.initContainers!.find((c) => c.name === 'linkerd-proxy')!.resources).toEqual({
      requests: { memory: '128Mi' },
    });
    expect(t.spec!.volumes!.map((v) => v.name)).toEqual([
      'linkerd-identity-end-entity',
      'linkerd-identity-token',
    ]);
    const applied = jsonpatch.applyPatch(
      structuredClone(input),
      structuredClone(patch) as jsonpatch.Operation[],
      true,
      false,
    ).newDocument;
    expect(applied).toEqual(object);
  });

  it('a throwing mutator fails the workload with its message', () => {
    const broken: InjectMutator = {
      name: 'broken',
      mutate() {
        throw new Error('quota service unreachable');
      },
    };
    const r = new Injector({ values: testValues(), mutators: [broken] }).inject(emojivotoDeployment());
    expect(r.report.outcome).toBe('failed');
    expect(r.report.reasons[0]).toEqual({
      code: 'mutator_failed',
      message: 'an injector mutator failed: quota service unreachable',
    });
    expect(r.patch).toEqual([]);
  });
});
