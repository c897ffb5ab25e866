import { AggregateConfigError, ErrorCode } from '@skein/core';
import { describe, expect, it } from 'vitest';
import {
  isProxyInitConfig,
  type ProxyInitOptions,
  resolveProxyInitConfig,
} from '../src/proxy-init-options.js';

const base: ProxyInitOptions = { incomingProxyPort: '4143', outgoingProxyPort: 4140 };

function problems(options: ProxyInitOptions): string[] {
  try {
    resolveProxyInitConfig(options);
  } catch (err) {
    expect(err).toBeInstanceOf(AggregateConfigError);
    expect((err as AggregateConfigError).code).toBe(ErrorCode.Config);
    return (err as AggregateConfigError).errors.map((e) => e.message);
  }
  throw new Error('expected the options to be refused');
}

describe('resolveProxyInitConfig', () => {
  it('fills the linkerd2-proxy-init defaults', () => {
    const c = resolveProxyInitConfig(base);
    expect(c).toMatchObject({
      incomingProxyPort: 4143,
      outgoingProxyPort: 4140,
      proxyUid: -1,
      proxyGid: -1,
      portsToRedirect: [],
      mode: 'legacy',
      ipv6: true,
      useWaitFlag: false,
      timeoutCloseWaitSecs: 0,
      netns: undefined,
      binariesOverridden: false,
    });
    expect(isProxyInitConfig(c)).toBe(true);
    expect(isProxyInitConfig(base)).toBe(false);
  });

  it('requires both proxy ports', () => {
    expect(problems({})).toEqual([
      '--incoming-proxy-port is required but not set: expected a TCP port in 1–65535 (Linkerd uses 4143 inbound, 4140 outbound)',
      '--outgoing-proxy-port is required but not set: expected a TCP port in 1–65535 (Linkerd uses 4143 inbound, 4140 outbound)',
    ]);
  });

  it('reports every bad flag at once, naming flag, value and expected form', () => {
    const found = problems({
      incomingProxyPort: 70000,
      outgoingProxyPort: 'x',
      proxyUid: '-2',
      proxyGid: '1.5',
      portsToRedirect: ['80-90'],
      inboundPortsToIgnore: ['4190,abc'],
      outboundPortsToIgnore: ['5-1'],
      subnetsToIgnore: ['10.0.0.0/33'],
      netns: 'relative/path',
      iptablesMode: 'nftables',
      firewallBinPath: 'ip tables',
      timeoutCloseWaitSecs: -1,
    });
    expect(found).toEqual([
      'invalid --incoming-proxy-port="70000": expected a TCP port in 1–65535',
      'invalid --outgoing-proxy-port="x": expected a TCP port in 1–65535',
      'invalid --proxy-uid="-2": expected a numeric id in 0–4294967294, or -1 for none',
      'invalid --proxy-gid="1.5": expected a numeric id in 0–4294967294, or -1 for none',
      'invalid --ports-to-redirect="80-90": expected ports 1–65535 such as 8080,9090 (no ranges); "80-90" is not a port',
      'invalid --inbound-ports-to-ignore="4190,abc": expected ports or ranges such as 4190,4191 or 6000-8000 (ports 1–65535, range start ≤ end); "abc" is not a port or range',
      'invalid --outbound-ports-to-ignore="5-1": expected ports or ranges such as 4190,4191 or 6000-8000 (ports 1–65535, range start ≤ end); range "5-1" has start > end',
      'invalid --subnets-to-ignore="10.0.0.0/33": expected CIDRs such as 10.0.0.0/8 or fd00::/8; "10.0.0.0/33" is not one',
      'invalid --netns="relative/path": expected an absolute path to a network namespace, e.g. /run/netns/pod-a',
      'invalid --firewall-bin-path="ip tables": expected a program name or path without spaces',
      'invalid --iptables-mode="nftables": expected legacy, nft or plain',
      'invalid --timeout-close-wait-secs="-1": expected a whole number of seconds in 0–2147483647 (0 leaves the sysctl alone)',
    ]);
  });

  it('wants a prefix on subnets', () => {
    expect(problems({ ...base, subnetsToIgnore: ['10.1.2.3'] })).toEqual([
      'invalid --subnets-to-ignore="10.1.2.3": expected CIDRs such as 10.0.0.0/8 or fd00::/8; "10.1.2.3" has no /prefix',
    ]);
  });

  it('accepts edge values', () => {
    const c = resolveProxyInitConfig({
      incomingProxyPort: 1,
      outgoingProxyPort: '65535',
      proxyUid: 0,
      proxyGid: '4294967294',
      subnetsToIgnore: ['0.0.0.0/0', '::/0'],
      netns: '/proc/1/ns/net',
      iptablesMode: 'plain',
    });
    expect(c.subnetsToIgnore).toEqual([
      { cidr: '0.0.0.0/0', family: 4 },
      { cidr: '::/0', family: 6 },
    ]);
    expect(c.binaries).toEqual({
      iptables: 'iptables',
      iptablesSave: 'iptables-save',
      ip6tables: 'ip6tables',
      ip6tablesSave: 'ip6tables-save',
    });
  });
});
