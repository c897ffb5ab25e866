import { describe, expect, it } from 'vitest';
import { applyAnnotationOverrides, inheritedAnnotations } from '../../src/annotations/apply-overrides.js';
import { testValues } from '../fixtures.js';

const ctx = {
  namedPorts: new Map([
    ['mysql', 3306],
    ['http', 80],
  ]),
};

describe('applyAnnotationOverrides', () => {
  it('applies every kind of override', () => {
    const base = testValues();
    const { values, flags, warnings } = applyAnnotationOverrides(
      base,
      {
        'config.linkerd.io/proxy-image': 'example.com/proxy',
        'config.linkerd.io/proxy-version': 'v9',
        'config.linkerd.io/admin-port': '9998',
        'config.linkerd.io/skip-inbound-ports': '7777,8888',
        'config.linkerd.io/skip-subnets': '10.0.0.0/8',
        'config.linkerd.io/close-wait-timeout': '1m30s',
        'config.linkerd.io/opaque-ports': '4000,mysql,5000-6000,unknown',
        'config.linkerd.io/proxy-cpu-request': '1500m',
        'config.linkerd.io/proxy-cpu-limit': '3',
        'config.linkerd.io/proxy-cpu-ratio-limit': '0.5',
        'config.linkerd.io/proxy-memory-limit': '256Mi',
        'config.linkerd.io/proxy-uid': '1234',
        'config.linkerd.io/proxy-log-format': 'json',
        'config.linkerd.io/access-log': 'json',
        'config.linkerd.io/proxy-admin-shutdown': 'enabled',
        'config.linkerd.io/proxy-disable-inbound-protocol-detect-timeout': 'true',
        'config.linkerd.io/enable-external-profiles': 'T',
        'config.linkerd.io/enable-debug-sidecar': 'true',
        'config.linkerd.io/proxy-await': 'disabled',
        'config.linkerd.io/default-inbound-policy': 'deny',
        'config.beta.linkerd.io/proxy-enable-native-sidecar': 'false',
        'config.linkerd.io/proxy-additional-env': '[{"name":"A","value":"1"}]',
        'config.alpha.linkerd.io/proxy-wait-before-exit-seconds': '15',
        'linkerd.io/inject': 'ingress',
        'example.com/unrelated': 'x',
      },
      ctx,
    );
    expect(warnings).toEqual([]);
    expect(flags.debugSidecar).toBe(true);
    expect(values.proxy.image).toEqual({ name: 'example.com/proxy', version: 'v9', pullPolicy: '' });
    expect(values.proxy.ports.admin).toBe(9998);
    expect(values.proxyInit.ignoreInboundPorts).toBe('7777,8888');
    expect(values.proxyInit.skipSubnets).toBe('10.0.0.0/8');
    expect(values.proxyInit.closeWaitTimeoutSecs).toBe(90);
    expect(values.proxy.opaquePorts).toBe('4000,3306,5000-6000,unknown');
    expect(values.proxy.resources.cpu).toEqual({ request: '1500m', limit: '3' });
    expect(values.proxy.runtime.workers).toEqual({ minimum: 2, maximum: 3, maximumCPURatio: 0.5 });
    expect(values.proxy.resources.memory.limit).toBe('256Mi');
    expect(values.proxy.uid).toBe(1234);
    expect(values.proxy.logFormat).toBe('json');
    expect(values.proxy.accessLog).toBe('json');
    expect(values.proxy.enableShutdownEndpoint).toBe(true);
    expect(values.proxy.disableInboundProtocolDetectTimeout).toBe(true);
    expect(values.proxy.enableExternalProfiles).toBe(true);
    expect(values.proxy.await).toBe(false);
    expect(values.proxy.defaultInboundPolicy).toBe('deny');
    expect(values.proxy.nativeSidecar).toBe(false);
    expect(values.proxy.additionalEnv).toEqual([{ name: 'A', value: '1' }]);
    expect(values.proxy.waitBeforeExitSeconds).toBe(15);
    expect(values.proxy.isIngress).toBe(true);
    expect(base.proxy.ports.admin).toBe(4191);
  });

  it('returns the same values object when no override applies', () => {
    const base = testValues();
    expect(applyAnnotationOverrides(base, { 'app.kubernetes.io/name': 'web' }, ctx).values).toBe(base);
  });

  it.each([
    ['config.linkerd.io/admin-port', 'http', /expected a port number/],
    ['config.linkerd.io/proxy-cpu-request', 'fast', /expected a Kubernetes quantity/],
    ['config.linkerd.io/skip-outbound-ports', '1-2-3', /expected comma-separated ports or ranges/],
    ['config.linkerd.io/default-inbound-policy', 'open', /expected one of all-authenticated/],
    ['config.linkerd.io/proxy-await', 'yes', /expected enabled or disabled/],
    ['config.linkerd.io/enable-external-profiles', 'maybe', /expected true or false/],
    ['config.linkerd.io/skip-subnets', '10.0.0.0/99', /expected comma-separated CIDRs/],
    ['config.linkerd.io/proxy-additional-env', '{"name":"A"}', /expected a JSON list/],
    ['config.linkerd.io/proxy-cpu-ratio-limit', '2', /expected a number in \(0, 1\]/],
    ['config.linkerd.io/close-wait-timeout', 'soon', /expected a duration/],
  ])('warns about and ignores %s=%s', (name, value, problem) => {
    const base = testValues();
    const { values, warnings } = applyAnnotationOverrides(base, { [name]: value }, ctx);
    expect(values).toEqual(base);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`annotation ${name}=${JSON.stringify(value)} ignored`);
    expect(warnings[0]).toMatch(problem);
  });
});

describe('inheritedAnnotations', () => {
  it('copies known keys the pod lacks, and not the ones Linkerd keeps per workload', () => {
    const ns = {
      'linkerd.io/inject': 'enabled',
      'config.linkerd.io/proxy-cpu-limit': '1',
      'config.linkerd.io/proxy-log-level': 'debug',
      'config.linkerd.io/proxy-cpu-ratio-limit': '0.5',
      'config.linkerd.io/enable-gateway': 'true',
      'config.linkerd.io/debug-image': 'x',
      'config.linkerd.io/enable-debug-sidecar': 'true',
      'config.linkerd.io/close-wait-timeout': '1m',
      'config.linkerd.io/unknown': 'x',
      'example.com/team': 'a',
    };
    expect(inheritedAnnotations(ns, { 'config.linkerd.io/proxy-log-level': 'info' })).toEqual({
      'linkerd.io/inject': 'enabled',
      'config.linkerd.io/proxy-cpu-limit': '1',
    });
  });
});
