import { describe, expect, it } from 'vitest';
import { type DecisionInput, decideInjection } from '../../src/decide/decide.js';
import { testValues } from '../fixtures.js';

function input(over: Partial<DecisionInput> & { pod?: string; ns?: string }): DecisionInput {
  return {
    origin: 'webhook',
    podMeta: over.pod === undefined ? {} : { annotations: { 'linkerd.io/inject': over.pod } },
    podSpec: { containers: [{ name: 'app', image: 'app:1' }] },
    namespaceAnnotations: over.ns === undefined ? {} : { 'linkerd.io/inject': over.ns },
    values: testValues(),
    manual: true,
    ...over,
  };
}

const codes = (i: DecisionInput): string[] => decideInjection(i).reasons.map((r) => r.code);

describe('decideInjection: linkerd.io/inject in the webhook', () => {
  it.each<[string | undefined, string | undefined, string[]]>([
    [undefined, 'enabled', []],
    [undefined, 'ingress', []],
    ['disabled', 'enabled', ['injection_disable_annotation_present']],
    ['enabled', undefined, []],
    ['ingress', undefined, []],
    [undefined, undefined, ['injection_enable_annotation_absent']],
    [undefined, 'disabled', ['injection_enable_annotation_absent']],
    ['enabled', 'disabled', []],
    ['yes', 'enabled', ['invalid_inject_annotation_at_workload']],
    ['enabled', 'on', ['invalid_inject_annotation_at_ns']],
  ])('pod %s, namespace %s → %j', (podValue, nsValue, expected) => {
    expect(codes(input({ pod: podValue, ns: nsValue }))).toEqual(expected);
  });
});

describe('decideInjection: CLI', () => {
  it('injects unless the pod says disabled; the namespace does not matter', () => {
    expect(codes(input({ origin: 'cli' }))).toEqual([]);
    expect(codes(input({ origin: 'cli', pod: 'disabled' }))).toEqual([
      'injection_disable_annotation_present',
    ]);
  });

  it('refuses control-plane pods without --manual', () => {
    const podMeta = { labels: { 'linkerd.io/control-plane-component': 'tap' } };
    expect(codes(input({ origin: 'cli', podMeta, manual: false }))).toEqual([
      'control_plane_component_needs_manual',
    ]);
    expect(codes(input({ origin: 'cli', podMeta, manual: true }))).toEqual([]);
  });
});

describe('decideInjection: skip rules', () => {
  const spec = (s: Record<string, unknown>) => ({ containers: [{ name: 'app', image: 'app:1' }], ...s });

  it.each<[string, Record<string, unknown>, string]>([
    ['host networking', spec({ hostNetwork: true }), 'host_network_enabled'],
    [
      'a linkerd-proxy container',
      spec({ containers: [{ name: 'linkerd-proxy' }] }),
      'sidecar_already_exists',
    ],
    [
      'a linkerd-init init container',
      spec({ initContainers: [{ name: 'linkerd-init' }] }),
      'sidecar_already_exists',
    ],
    [
      'Linkerd proxy image',
      spec({ containers: [{ name: 'p', image: 'cr.l5d.io/linkerd/proxy:stable' }] }),
      'sidecar_already_exists',
    ],
    [
      'Skein proxy image',
      spec({ containers: [{ name: 'p', image: 'ghcr.io/skein-mesh/proxy:v1' }] }),
      'sidecar_already_exists',
    ],
    [
      'istio proxyv2',
      spec({ containers: [{ name: 'p', image: 'docker.io/istio/proxyv2:1.20' }] }),
      'sidecar_already_exists',
    ],
    ['istio-init', spec({ initContainers: [{ name: 'istio-init', image: 'x' }] }), 'sidecar_already_exists'],
  ])('%s', (_what, podSpec, code) => {
    expect(codes(input({ pod: 'enabled', podSpec }))).toEqual([code]);
  });

  it('automountServiceAccountToken false only blocks without token projection', () => {
    const podSpec = spec({ automountServiceAccountToken: false });
    expect(codes(input({ pod: 'enabled', podSpec }))).toEqual([]);
    const noProjection = testValues({ identity: { serviceAccountTokenProjection: false } });
    expect(codes(input({ pod: 'enabled', podSpec, values: noProjection }))).toEqual([
      'disabled_automount_service_account_token_account',
    ]);
  });

  it('UDP ports only warn', () => {
    const podSpec = spec({ containers: [{ name: 'dns', ports: [{ containerPort: 53, protocol: 'UDP' }] }] });
    const d = decideInjection(input({ pod: 'enabled', podSpec }));
    expect(d.injectable).toBe(true);
    expect(d.warnings.map((w) => w.code)).toEqual(['udp_ports_enabled']);
  });
});
