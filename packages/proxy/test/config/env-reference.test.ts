import type { EnvRecord } from '@skein/core';
import { describe, expect, it } from 'vitest';
import { PROXY_ENV_REFERENCE, type ProxyEnvVar } from '../../src/config/env-reference.js';
import { readProxyConfig } from '../../src/config/proxy-config.js';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIBazCCARGgAwIBAgIUZXhhbXBsZQ==\n-----END CERTIFICATE-----\n';
const CPUS = 4;

/** Every branch of readProxyConfig taken: destination, policy and identity configured. */
const CONTROL_PLANE: EnvRecord = {
  LINKERD2_PROXY_DESTINATION_SVC_ADDR: 'linkerd-dst-headless.linkerd.svc.cluster.local.:8086',
  LINKERD2_PROXY_DESTINATION_SVC_NAME:
    'linkerd-destination.linkerd.serviceaccount.identity.linkerd.cluster.local',
  LINKERD2_PROXY_POLICY_SVC_ADDR: 'linkerd-policy.linkerd.svc.cluster.local.:8090',
  LINKERD2_PROXY_POLICY_SVC_NAME: 'linkerd-destination.linkerd.serviceaccount.identity.linkerd.cluster.local',
  LINKERD2_PROXY_POLICY_WORKLOAD: '{"ns":"shop","pod":"web-0"}',
  LINKERD2_PROXY_IDENTITY_SVC_ADDR: 'linkerd-identity-headless.linkerd.svc.cluster.local.:8080',
  LINKERD2_PROXY_IDENTITY_SVC_NAME: 'linkerd-identity.linkerd.serviceaccount.identity.linkerd.cluster.local',
  LINKERD2_PROXY_IDENTITY_DIR: '/var/run/linkerd/identity/end-entity',
  LINKERD2_PROXY_IDENTITY_TOKEN_FILE: '/var/run/secrets/tokens/linkerd-identity-token',
  LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS: PEM,
  LINKERD2_PROXY_IDENTITY_LOCAL_NAME: 'web.shop.serviceaccount.identity.linkerd.cluster.local',
};

/** The same, naming the identity with the newer `IDENTITY_SERVER_ID` (read only without LOCAL_NAME). */
const SERVER_ID: EnvRecord = {
  ...Object.fromEntries(Object.entries(CONTROL_PLANE).filter(([k]) => !k.endsWith('IDENTITY_LOCAL_NAME'))),
  LINKERD2_PROXY_IDENTITY_SERVER_ID: 'web.shop.serviceaccount.identity.linkerd.cluster.local',
};

const SCENARIOS: Record<string, EnvRecord> = {
  standalone: {},
  controlPlane: CONTROL_PLANE,
  serverId: SERVER_ID,
};

/** Runs readProxyConfig over `env` and returns every key it looked up. */
function keysRead(env: EnvRecord): Set<string> {
  const read = new Set<string>();
  const recording = new Proxy(env, {
    get(target, key, receiver) {
      if (typeof key === 'string') read.add(key);
      return Reflect.get(target, key, receiver);
    },
    has(target, key) {
      if (typeof key === 'string') read.add(key);
      return Reflect.has(target, key);
    },
  });
  readProxyConfig(recording, CPUS);
  return read;
}

/**
 * A faithful text form of a config: PortSet, NetworkSet and SuffixSet keep their contents in
 * private fields that deep equality cannot see, so they are compared by their text.
 */
function snapshot(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const proto = Object.getPrototypeOf(v);
    if (proto === Object.prototype || proto === null) return v;
    const text = String(v);
    if (text === '[object Object]') throw new Error(`no text form for ${proto.constructor.name}`);
    return `${proto.constructor.name}(${text})`;
  });
}

/** A valid value other than the default, per variable kind (with the variables it needs). */
function otherValue(v: ProxyEnvVar): EnvRecord {
  const pair = /^(.*_CONNECT_EXP_BACKOFF_)(MIN|MAX)$/.exec(v.name);
  if (pair !== null) {
    return pair[2] === 'MIN'
      ? { [v.name]: '7ms', [`${pair[1]}MAX`]: '60s' }
      : { [v.name]: '7s', [`${pair[1]}MIN`]: '100ms' };
  }
  if (v.name === 'LINKERD2_PROXY_INBOUND_METRICS_AUTHORITY_LABELS') return { [v.name]: 'unsafe' };
  const samples: Record<ProxyEnvVar['kind'], string> = {
    duration: '7ms',
    integer: '7',
    ratio: '0.7',
    boolean: v.default === 'true' ? 'false' : 'true',
    text: 'another-value',
    'one-of': v.values?.find((x) => x !== v.default) ?? '',
    'listen-address': '127.0.0.1:7',
    'listen-addresses': '127.0.0.1:7,[::1]:7',
    address: '127.0.0.1:7',
    'port-list': '7,70-77',
    'network-list': '10.7.0.0/16',
    'suffix-list': 'example.org.',
    ip: '127.0.0.7',
    'ip-list': '10.0.0.7',
    pem: `${PEM}${PEM}`,
    path: '/tmp/elsewhere',
    'module-list': 'a-plugin,another-plugin',
  };
  return { [v.name]: samples[v.kind] };
}

const VALIDATED_KINDS = new Set<ProxyEnvVar['kind']>([
  'duration',
  'integer',
  'ratio',
  'boolean',
  'one-of',
  'listen-address',
  'listen-addresses',
  'address',
  'port-list',
  'network-list',
  'suffix-list',
  'ip',
  'pem',
]);

describe('PROXY_ENV_REFERENCE', () => {
  const names = PROXY_ENV_REFERENCE.map((v) => v.name);

  it('names each variable once', () => {
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(Object.keys(SCENARIOS))('lists every variable readProxyConfig reads (%s)', (scenario) => {
    const unlisted = [...keysRead(SCENARIOS[scenario]!)].filter((k) => !names.includes(k));
    expect(unlisted).toEqual([]);
  });

  it('lists no variable readProxyConfig never reads', () => {
    const read = new Set(Object.values(SCENARIOS).flatMap((env) => [...keysRead(env)]));
    expect(names.filter((n) => !read.has(n))).toEqual([]);
  });

  it('gives each default as the value applied when the variable is unset', () => {
    const base = snapshot(readProxyConfig(CONTROL_PLANE, CPUS));
    const wrong = PROXY_ENV_REFERENCE.filter((v) => v.default !== undefined).filter((v) => {
      const env: EnvRecord = { ...CONTROL_PLANE, [v.name]: v.default };
      const pair = /^(.*_CONNECT_EXP_BACKOFF_)(MIN|MAX)$/.exec(v.name);
      if (pair !== null) {
        const other = `${pair[1]}${pair[2] === 'MIN' ? 'MAX' : 'MIN'}`;
        Object.assign(env, { [other]: PROXY_ENV_REFERENCE.find((x) => x.name === other)!.default });
      }
      return snapshot(readProxyConfig(env, CPUS)) !== base;
    });
    expect(wrong.map((v) => `${v.name}=${v.default}`)).toEqual([]);
  });

  it('describes variables that change the configuration (so the default check above can fail)', () => {
    const inert = PROXY_ENV_REFERENCE.filter((v) => v.name !== 'LINKERD2_PROXY_IDENTITY_DISABLED').filter(
      (v) => {
        const base = v.name.endsWith('IDENTITY_SERVER_ID') ? SERVER_ID : CONTROL_PLANE;
        const changed = readProxyConfig({ ...base, ...otherValue(v) }, CPUS);
        return snapshot(changed) === snapshot(readProxyConfig(base, CPUS));
      },
    );
    expect(inert.map((v) => v.name)).toEqual([]);
  });

  it('refuses a malformed value of every checked kind, naming the variable', () => {
    const accepted = PROXY_ENV_REFERENCE.filter((v) => VALIDATED_KINDS.has(v.kind)).filter((v) => {
      try {
        readProxyConfig({ ...CONTROL_PLANE, [v.name]: 'not valid!' }, CPUS);
        return true;
      } catch (err) {
        return !(err as Error).message.includes(v.name);
      }
    });
    expect(accepted.map((v) => v.name)).toEqual([]);
  });

  it('refuses IDENTITY_DISABLED, as it says', () => {
    expect(() => readProxyConfig({ LINKERD2_PROXY_IDENTITY_DISABLED: 'true' })).toThrow(
      /LINKERD2_PROXY_IDENTITY_DISABLED/,
    );
  });

  it('lists one-of values that readProxyConfig accepts, and Skein additions under SKEIN_PROXY_', () => {
    for (const v of PROXY_ENV_REFERENCE) {
      expect(v.name.startsWith(v.origin === 'skein' ? 'SKEIN_PROXY_' : 'LINKERD2_PROXY_')).toBe(true);
      for (const value of v.values ?? []) {
        expect(() => readProxyConfig({ ...CONTROL_PLANE, [v.name]: value }, CPUS)).not.toThrow();
      }
      expect(v.description.length).toBeGreaterThan(10);
    }
  });
});
