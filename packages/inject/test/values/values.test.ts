import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ValuesError } from '../../src/errors.js';
import { defaultValues, SKEIN_PROXY_IMAGE } from '../../src/values/defaults.js';
import { getValueAt, resolveValues } from '../../src/values/resolve-values.js';
import { isLeaf, type SectionSchema, VALUES_SCHEMA } from '../../src/values/schema.js';
import { CORPUS_DIR } from '../compat/corpus.js';

function leafPaths(schema: SectionSchema, prefix = ''): string[] {
  return Object.entries(schema).flatMap(([k, v]) =>
    isLeaf(v) ? [`${prefix}${k}`] : leafPaths(v, `${prefix}${k}.`),
  );
}

function chartValueAt(chart: unknown, path: string): unknown {
  let node = chart;
  for (const key of path.split('.')) node = (node as Record<string, unknown> | undefined)?.[key];
  return node;
}

describe('defaultValues', () => {
  const chart = parse(readFileSync(join(CORPUS_DIR, 'chart-values.yaml'), 'utf8')) as Record<string, unknown>;
  // Values Linkerd's Go struct has that the chart does not list; their defaults are the Go zero values.
  const notInChart = new Set([
    'proxy.runtime.workers.maximum',
    'proxy.accessLog',
    'proxy.isIngress',
    'proxy.isGateway',
    'proxy.podInboundPorts',
    'proxy.additionalEnv',
  ]);

  it.each(leafPaths(VALUES_SCHEMA).filter((p) => !notInChart.has(p)))(
    '%s matches Linkerd chart default',
    (path) => {
      const ours = getValueAt(defaultValues(), path);
      const theirs = chartValueAt(chart, path);
      if (path === 'proxy.image.name') {
        expect(theirs).toBe('cr.l5d.io/linkerd/proxy');
        expect(ours).toBe(SKEIN_PROXY_IMAGE);
        return;
      }
      if (path === 'identityTrustAnchorsPEM') {
        expect(String(theirs ?? '').trim()).toBe('');
        expect(ours).toBe('');
        return;
      }
      expect(ours).toEqual(theirs ?? null);
    },
  );

  it('the whole chart file resolves without errors', () => {
    const { values, warnings } = resolveValues([chart]);
    expect(warnings).toEqual([]);
    expect(values.proxy.image.name).toBe('cr.l5d.io/linkerd/proxy');
    expect(values.extra.controllerReplicas).toBe(1);
  });
});

describe('resolveValues', () => {
  it('merges maps key by key and later layers win', () => {
    const { values } = resolveValues([
      { proxy: { ports: { admin: 1234 } } },
      { proxy: { logLevel: 'debug' } },
    ]);
    expect(values.proxy.ports).toEqual({ admin: 1234, control: 4190, inbound: 4143, outbound: 4140 });
    expect(values.proxy.logLevel).toBe('debug');
  });

  it('accepts numeric strings for numbers and text for strings, as Helm renders them', () => {
    const { values } = resolveValues([{ proxy: { ports: { admin: '9998' }, image: { version: 2.14 } } }]);
    expect(values.proxy.ports.admin).toBe(9998);
    expect(values.proxy.image.version).toBe('2.14');
  });

  it('null restores the default', () => {
    const base = resolveValues([{ proxy: { logLevel: 'debug' } }]).values;
    expect(resolveValues([{ proxy: { logLevel: null } }], base).values.proxy.logLevel).toBe(
      'warn,linkerd=info,hickory=error',
    );
  });

  it('replaces the proxy parameter maps as a whole', () => {
    const { values } = resolveValues([{ proxy: { inbound: { scope: { proto: { appleSauce: 'a' } } } } }]);
    expect(values.proxy.inbound).toEqual({ scope: { proto: { appleSauce: 'a' } } });
    expect(values.proxy.outbound).toEqual({
      server: { http2: { keepAliveInterval: '10s', keepAliveTimeout: '3s' } },
    });
  });

  it('keeps unknown top-level keys under extra and warns about unknown keys in known sections', () => {
    const { values, warnings } = resolveValues([{ controllerReplicas: 3, proxy: { logLevle: 'debug' } }]);
    expect(values.extra).toEqual({ controllerReplicas: 3 });
    expect(warnings).toEqual(['unknown value proxy.logLevle ignored']);
  });

  it('does not change the base', () => {
    const base = defaultValues();
    resolveValues([{ proxy: { uid: 1 } }], base);
    expect(base.proxy.uid).toBe(2102);
  });

  it.each<[string, unknown, RegExp]>([
    [
      'proxy.ports.admin',
      { proxy: { ports: { admin: 70000 } } },
      /proxy\.ports\.admin=70000: expected a port number 1-65535/,
    ],
    [
      'proxy.ports.admin',
      { proxy: { ports: { admin: 'abc' } } },
      /proxy\.ports\.admin="abc": expected a port number/,
    ],
    [
      'proxy.logFormat',
      { proxy: { logFormat: 'xml' } },
      /proxy\.logFormat="xml": expected one of plain, json/,
    ],
    [
      'proxy.resources.cpu.limit',
      { proxy: { resources: { cpu: { limit: 'lots' } } } },
      /cpu\.limit="lots": expected a Kubernetes quantity/,
    ],
    [
      'proxy.outboundConnectTimeout',
      { proxy: { outboundConnectTimeout: '1 second' } },
      /outboundConnectTimeout="1 second": expected a duration/,
    ],
    [
      'proxy.opaquePorts',
      { proxy: { opaquePorts: '25,99999' } },
      /opaquePorts="25,99999": expected comma-separated ports.*"99999"/,
    ],
    [
      'proxyInit.ignoreInboundPorts',
      { proxyInit: { ignoreInboundPorts: 'ssh' } },
      /ignoreInboundPorts="ssh": expected comma-separated ports or ranges/,
    ],
    [
      'clusterNetworks',
      { clusterNetworks: '10.0.0.0/33' },
      /clusterNetworks="10\.0\.0\.0\/33": expected comma-separated CIDRs/,
    ],
    [
      'proxy.nativeSidecar',
      { proxy: { nativeSidecar: 'yes' } },
      /nativeSidecar="yes": expected true or false/,
    ],
    [
      'proxy.defaultInboundPolicy',
      { proxy: { defaultInboundPolicy: 'open' } },
      /defaultInboundPolicy="open": expected one of all-authenticated/,
    ],
    ['proxy.additionalEnv', { proxy: { additionalEnv: [{ value: 'x' }] } }, /additionalEnv\[0\]/],
    ['proxy.inbound', { proxy: { inbound: { a: { b: { c: [1] } } } } }, /proxy\.inbound\.a\.b\.c=\[1\]/],
    ['proxy', { proxy: 'fast' }, /proxy="fast": expected a map of values/],
  ])('refuses a bad %s, naming it and the expected form', (_path, layer, message) => {
    expect(() => resolveValues([layer])).toThrow(ValuesError);
    expect(() => resolveValues([layer])).toThrow(message);
  });
});
