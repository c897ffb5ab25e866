import { ConfigError } from '@skein/core';
import { describe, expect, it } from 'vitest';
import type { Container, KubeObject, PodSpec } from '../../src/k8s/types.js';
import { applyJsonPatch } from '../../src/patch/json-patch.js';
import {
  checkTapServiceName,
  serviceAccountIdentity,
  TapInjection,
  tapInjectPod,
} from '../../src/tap/tap-injection.js';
import { Injector } from '../../src/transform/injector.js';
import { pod, testValues } from '../fixtures.js';

const TAP = serviceAccountIdentity({
  serviceAccount: 'linkerd-tap',
  namespace: 'linkerd',
  controlPlaneNamespace: 'linkerd',
  trustDomain: 'cluster.local',
});
const options = { tapServiceName: TAP, controlPlaneNamespace: 'linkerd' };

/** A pod as the proxy injector webhook leaves it. */
function meshedPod(annotations?: Record<string, string>, values: Record<string, unknown> = {}): KubeObject {
  const injector = new Injector({ values: testValues(values), origin: 'webhook' });
  const result = injector.inject(pod(annotations === undefined ? {} : { annotations }), {
    namespace: 'emojivoto',
    namespaceAnnotations: { 'linkerd.io/inject': 'enabled' },
  });
  expect(result.report.outcome).toBe('injected');
  return result.object as KubeObject;
}

function proxyOf(object: KubeObject): Container {
  const spec = object.spec as PodSpec;
  return [...(spec.initContainers ?? []), ...(spec.containers ?? [])].find(
    (c) => c.name === 'linkerd-proxy',
  )!;
}

describe('tapInjectPod', () => {
  it('names the tap service account identity as the proxy env expects it', () => {
    expect(TAP).toBe('linkerd-tap.linkerd.serviceaccount.identity.linkerd.cluster.local');
  });

  it('sets LINKERD2_PROXY_TAP_SVC_NAME on the proxy and annotates the pod tap-enabled', () => {
    const input = meshedPod();
    const before = structuredClone(input);
    const result = tapInjectPod(input, options);
    expect(result.outcome).toBe('enabled');
    expect(result.reason).toBeUndefined();
    // Skein's default values run the proxy as a native sidecar, an init container.
    const proxyIndex = (input.spec as PodSpec).initContainers!.findIndex((c) => c.name === 'linkerd-proxy');
    expect(proxyIndex).toBeGreaterThanOrEqual(0);
    expect(result.patch).toEqual([
      { op: 'add', path: '/metadata/annotations/viz.linkerd.io~1tap-enabled', value: 'true' },
      {
        op: 'add',
        path: `/spec/initContainers/${proxyIndex}/env/-`,
        value: { name: 'LINKERD2_PROXY_TAP_SVC_NAME', value: TAP },
      },
    ]);
    // The input is untouched; the patch applied to it gives the returned object.
    expect(input).toEqual(before);
    const patched = structuredClone(input);
    applyJsonPatch(patched, result.patch);
    expect(patched).toEqual(result.object);
    expect(result.object.metadata?.annotations?.['viz.linkerd.io/tap-enabled']).toBe('true');
    const env = proxyOf(result.object).env!;
    expect(env.filter((e) => e.name === TapInjection.svcNameEnv)).toEqual([
      { name: 'LINKERD2_PROXY_TAP_SVC_NAME', value: TAP },
    ]);
    // Everything the proxy injector wrote is still there, in order.
    expect(env.slice(0, -1)).toEqual(proxyOf(input).env);
  });

  it('finds a proxy that runs as a regular container', () => {
    const result = tapInjectPod(meshedPod(undefined, { proxy: { nativeSidecar: false } }), options);
    expect(result.outcome).toBe('enabled');
    expect(result.patch[1]!.path).toMatch(/^\/spec\/containers\/\d+\/env\/-$/);
    expect(proxyOf(result.object).env!.at(-1)).toEqual({ name: TapInjection.svcNameEnv, value: TAP });
  });

  it('replaces a hand-set value instead of adding a second one, and creates env and annotations when absent', () => {
    const handSet = meshedPod();
    proxyOf(handSet).env!.push({ name: TapInjection.svcNameEnv, value: 'someone.else' });
    const replaced = tapInjectPod(handSet, options);
    expect(replaced.patch[1]).toMatchObject({ op: 'replace' });
    expect(proxyOf(replaced.object).env!.filter((e) => e.name === TapInjection.svcNameEnv)).toEqual([
      { name: TapInjection.svcNameEnv, value: TAP },
    ]);

    const bare: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', labels: { 'linkerd.io/control-plane-ns': 'linkerd' } },
      spec: { containers: [{ name: 'app' }, { name: 'linkerd-proxy' }] },
    };
    const created = tapInjectPod(bare, options);
    expect(created.patch).toEqual([
      { op: 'add', path: '/metadata/annotations', value: { 'viz.linkerd.io/tap-enabled': 'true' } },
      { op: 'add', path: '/spec/containers/1/env', value: [{ name: TapInjection.svcNameEnv, value: TAP }] },
    ]);
  });

  it.each<[string, () => KubeObject, Record<string, string> | undefined, string]>([
    ['a pod without a proxy', () => pod(), undefined, 'not_meshed'],
    [
      'a pod meshed by another control plane',
      () => {
        const p = meshedPod();
        p.metadata!.labels!['linkerd.io/control-plane-ns'] = 'other';
        return p;
      },
      undefined,
      'other_control_plane',
    ],
    [
      'a pod annotated disable-tap: "true"',
      () => meshedPod({ 'viz.linkerd.io/disable-tap': 'true' }),
      undefined,
      'tap_disabled_on_pod',
    ],
    [
      'a pod annotated disable-tap: "1"',
      () => meshedPod({ 'viz.linkerd.io/disable-tap': '1' }),
      undefined,
      'tap_disabled_on_pod',
    ],
    [
      'a pod in a namespace with disable-tap',
      () => meshedPod(),
      { 'viz.linkerd.io/disable-tap': 'True' },
      'tap_disabled_on_namespace',
    ],
    [
      'a pod already tap-enabled',
      () => meshedPod({ 'viz.linkerd.io/tap-enabled': 'true' }),
      undefined,
      'tap_already_enabled',
    ],
  ])('leaves %s alone', (_what, make, namespaceAnnotations, reason) => {
    const input = make();
    const result = tapInjectPod(input, {
      ...options,
      ...(namespaceAnnotations === undefined ? {} : { namespaceAnnotations }),
    });
    expect(result).toEqual({ outcome: 'skipped', reason, patch: [], object: input });
  });

  it('taps a pod whose disable-tap or tap-enabled annotation is false', () => {
    const unset = tapInjectPod(meshedPod({ 'viz.linkerd.io/tap-enabled': 'false' }), options);
    expect(unset.outcome).toBe('enabled');
    expect(unset.object.metadata?.annotations?.['viz.linkerd.io/tap-enabled']).toBe('true');
    expect(tapInjectPod(meshedPod({ 'viz.linkerd.io/disable-tap': 'false' }), options).outcome).toBe(
      'enabled',
    );
    expect(
      tapInjectPod(meshedPod(), { ...options, namespaceAnnotations: { 'viz.linkerd.io/disable-tap': 'no' } })
        .outcome,
    ).toBe('enabled');
  });

  it('refuses a tap service name that is not a DNS name, naming the field', () => {
    expect(checkTapServiceName(TAP)).toBe(TAP);
    expect(() => checkTapServiceName('', '--tap-service-name')).toThrow(ConfigError);
    expect(() => checkTapServiceName('tap svc', '--tap-service-name')).toThrow(
      /^invalid --tap-service-name="tap svc": expected the tap service identity, a DNS name/,
    );
  });
});
