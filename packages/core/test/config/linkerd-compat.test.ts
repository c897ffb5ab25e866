import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/config/duration.js';
import { parseNetworkSet } from '../../src/config/network-set.js';
import { parsePortSet } from '../../src/config/port-set.js';
import { parseBool, parseEnum, parseUint } from '../../src/config/scalars.js';
import { parseAddr, parseSocketAddr, parseSocketAddrList } from '../../src/config/socket-addr.js';
import { parseSuffixSet } from '../../src/config/suffix-set.js';
import { ConfigError } from '../../src/errors/index.js';
import { LogFilter } from '../../src/log/log-filter.js';

// Every LINKERD2_PROXY_* value the Linkerd injector writes in its golden test files
// (shared/compat/linkerd-inject/expected/*.golden.yml), extracted once into a fixture.
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/linkerd-injector-env.json', import.meta.url), 'utf8'),
) as Record<string, string[]>;

const policies = [
  'all-unauthenticated',
  'all-authenticated',
  'cluster-authenticated',
  'cluster-unauthenticated',
  'deny',
  'audit',
];

type Check = (text: string, variable: string) => unknown;
const duration: Check = parseDuration;
const parsers: Record<string, Check> = {
  ACCESS_LOG: (t, v) => parseEnum(t, ['apache', 'json'], v),
  ADMIN_LISTEN_ADDR: parseSocketAddr,
  CONTROL_LISTEN_ADDR: parseSocketAddr,
  INBOUND_LISTEN_ADDR: parseSocketAddr,
  OUTBOUND_LISTEN_ADDR: parseSocketAddr,
  OUTBOUND_LISTEN_ADDRS: parseSocketAddrList,
  DESTINATION_SVC_ADDR: parseAddr,
  IDENTITY_SVC_ADDR: parseAddr,
  POLICY_SVC_ADDR: parseAddr,
  CONTROL_STREAM_IDLE_TIMEOUT: duration,
  CONTROL_STREAM_INITIAL_TIMEOUT: duration,
  CONTROL_STREAM_LIFETIME: duration,
  INBOUND_ACCEPT_KEEPALIVE: duration,
  INBOUND_ACCEPT_USER_TIMEOUT: duration,
  INBOUND_CONNECT_TIMEOUT: duration,
  INBOUND_DISCOVERY_IDLE_TIMEOUT: duration,
  INBOUND_SERVER_HTTP2_KEEP_ALIVE_INTERVAL: duration,
  INBOUND_SERVER_HTTP2_KEEP_ALIVE_TIMEOUT: duration,
  OUTBOUND_CONNECT_KEEPALIVE: duration,
  OUTBOUND_CONNECT_TIMEOUT: duration,
  OUTBOUND_CONNECT_USER_TIMEOUT: duration,
  OUTBOUND_DISCOVERY_IDLE_TIMEOUT: duration,
  OUTBOUND_SERVER_HTTP2_KEEP_ALIVE_INTERVAL: duration,
  OUTBOUND_SERVER_HTTP2_KEEP_ALIVE_TIMEOUT: duration,
  CORES: (t, v) => parseUint(t, v, { min: 1 }),
  CORES_MIN: (t, v) => parseUint(t, v, { min: 1 }),
  CORES_MAX: (t, v) => parseUint(t, v, { min: 1 }),
  DESTINATION_PROFILE_NETWORKS: parseNetworkSet,
  POLICY_CLUSTER_NETWORKS: parseNetworkSet,
  DESTINATION_PROFILE_SUFFIXES: parseSuffixSet,
  INBOUND_PORTS: parsePortSet,
  INBOUND_PORTS_DISABLE_PROTOCOL_DETECTION: parsePortSet,
  INBOUND_DEFAULT_POLICY: (t, v) => parseEnum(t, policies, v),
  INGRESS_MODE: parseBool,
  OUTBOUND_METRICS_HOSTNAME_LABELS: parseBool,
  SHUTDOWN_ENDPOINT_ENABLED: parseBool,
  LOG: (t, v) => LogFilter.parse(t, v),
  LOG_FORMAT: (t, v) => parseEnum(t, ['plain', 'json'], v, { ignoreCase: true }),
};
// Free-form strings (names, paths, Kubernetes $(var) references) and the injector's own
// test-only overrides, which no parser reads.
const strings = new Set([
  'DESTINATION_SVC_NAME',
  'IDENTITY_DIR',
  'IDENTITY_LOCAL_NAME',
  'IDENTITY_SVC_NAME',
  'IDENTITY_TOKEN_FILE',
  'POLICY_SVC_NAME',
  'INBOUND_SCOPE_PROTO_APPLE_SAUCE',
  'INBOUND_SCOPE_PROTO_BLUEBERRY',
  'OUTBOUND_SCOPE_PROTO_APPLESAUCE',
  'OUTBOUND_SCOPE_PROTO_BLUE_BERRY',
]);

describe('the Linkerd injector output', () => {
  it('has a parser or a string rule for every variable', () => {
    const keys = Object.keys(fixture).map((k) => k.replace(/^LINKERD2_PROXY_/, ''));
    expect(keys.length).toBeGreaterThan(40);
    expect(keys.filter((k) => parsers[k] === undefined && !strings.has(k))).toEqual([]);
  });

  it('parses every value the injector writes', () => {
    const failures: string[] = [];
    for (const [name, values] of Object.entries(fixture)) {
      const parse = parsers[name.replace(/^LINKERD2_PROXY_/, '')];
      if (parse === undefined) continue;
      for (const value of values) {
        if (name === 'LINKERD2_PROXY_INBOUND_PORTS_DISABLE_PROTOCOL_DETECTION' && value.includes('mysql'))
          continue;
        try {
          parse(value, name);
        } catch (err) {
          failures.push(`${name}=${value}: ${String(err)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('refuses the named-port value linkerd2-proxy refuses too', () => {
    const bad = fixture.LINKERD2_PROXY_INBOUND_PORTS_DISABLE_PROTOCOL_DETECTION!.find((v) =>
      v.includes('mysql'),
    )!;
    expect(() => parsePortSet(bad, 'LINKERD2_PROXY_INBOUND_PORTS_DISABLE_PROTOCOL_DETECTION')).toThrow(
      ConfigError,
    );
    expect(() => parsePortSet(bad, 'X')).toThrow('"mysql" is not a port or range');
  });
});
