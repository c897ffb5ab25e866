import { describe, expect, it } from 'vitest';
import { normalizeWorkload } from '../../src/k8s/normalize.js';
import type { KubeObject } from '../../src/k8s/types.js';
import { Injector } from '../../src/transform/injector.js';
import { uninjectObject } from '../../src/transform/uninject.js';
import { emojivotoDeployment, testValues } from '../fixtures.js';

describe('uninjectObject', () => {
  it.each([
    ['native sidecar', {}],
    ['classic sidecar', { proxy: { nativeSidecar: false } }],
    ['CNI', { cniEnabled: true }],
    ['tracing', { proxy: { tracing: { enabled: true } } }],
  ])('restores the workload after injection (%s)', (_what, overlay) => {
    const injector = new Injector({ values: testValues(overlay) });
    const injected = injector.inject(emojivotoDeployment(), {
      annotations: { 'config.linkerd.io/enable-debug-sidecar': 'true' },
    });
    const u = uninjectObject(injected.object);
    expect(u.report.outcome).toBe('uninjected');
    const back = normalizeWorkload(u.object as KubeObject) as KubeObject;
    // The override annotation is kept, as Linkerd keeps config.linkerd.io/* on uninject.
    const meta = (back.spec as { template: { metadata: { annotations?: Record<string, string> } } }).template
      .metadata;
    expect(meta.annotations).toEqual({ 'config.linkerd.io/enable-debug-sidecar': 'true' });
    delete meta.annotations;
    expect(back).toEqual(normalizeWorkload(emojivotoDeployment()));
  });

  it('keeps linkerd.io/inject: disabled and the user labels', () => {
    const d = emojivotoDeployment();
    const t = (d.spec as { template: { metadata: Record<string, unknown> } }).template;
    t.metadata.annotations = { 'linkerd.io/inject': 'disabled', 'linkerd.io/proxy-version': 'x' };
    t.metadata.labels = {
      app: 'web-svc',
      'linkerd.io/control-plane-component': 'tap',
      'linkerd.io/proxy-deployment': 'web',
    };
    const u = uninjectObject(d).object as typeof d;
    const meta = (u.spec as { template: { metadata: Record<string, unknown> } }).template.metadata;
    expect(meta.annotations).toEqual({ 'linkerd.io/inject': 'disabled' });
    expect(meta.labels).toEqual({ app: 'web-svc', 'linkerd.io/control-plane-component': 'tap' });
  });

  it('removes the inject annotation of a namespace and leaves other kinds alone', () => {
    const ns = {
      kind: 'Namespace',
      metadata: { name: 'n', annotations: { 'linkerd.io/inject': 'enabled', keep: 'me' } },
    };
    expect((uninjectObject(ns).object as KubeObject).metadata!.annotations).toEqual({ keep: 'me' });
    const cm = { kind: 'ConfigMap', metadata: { name: 'c' } };
    expect(uninjectObject(cm)).toMatchObject({ object: cm, handled: false, report: { outcome: 'skipped' } });
  });
});
