import { AggregateConfigError } from '@skein/core';
import { describe, expect, it } from 'vitest';
import { readProxyConfig } from '../../src/config/proxy-config.js';

describe('readProxyConfig', () => {
  it('applies linkerd2-proxy defaults', () => {
    const c = readProxyConfig({});
    expect(c.outbound.listen).toEqual([{ host: '127.0.0.1', port: 4140, family: 'ipv4' }]);
    expect(c.inbound.listen).toEqual([{ host: '0.0.0.0', port: 4143, family: 'ipv4' }]);
    expect(c.adminListen).toMatchObject({ host: '127.0.0.1', port: 4191 });
    expect(c.controlListen).toMatchObject({ host: '0.0.0.0', port: 4190 });
    expect(c.outbound.connectTimeoutMs).toBe(1000);
    expect(c.inbound.connectTimeoutMs).toBe(300);
    expect(c.outbound.connectBackoff).toEqual({ minMs: 100, maxMs: 60_000, jitter: 0.1 });
    expect(c.inbound.connectBackoff).toEqual({ minMs: 100, maxMs: 10_000, jitter: 0.1 });
    expect(c.outbound.detectTimeoutMs).toBe(10_000);
    expect(c.outbound.discoveryIdleTimeoutMs).toBe(5_000);
    expect(c.inbound.discoveryIdleTimeoutMs).toBe(90_000);
    expect(c.outbound.httpQueueCapacity).toBe(10_000);
    expect(c.outbound.httpFailfastTimeoutMs).toBe(3_000);
    expect(c.inbound.httpFailfastTimeoutMs).toBe(1_000);
    expect(c.outbound.maxInFlight).toBe(100_000);
    expect(c.outbound.http1PoolIdleTimeoutMs).toBe(3_000);
    expect(c.shutdownGracePeriodMs).toBe(120_000);
    expect(c.shutdownEndpointEnabled).toBe(false);
    expect(c.metricsRetainIdleMs).toBe(600_000);
    expect(c.inbound.defaultPolicy).toBe('all-unauthenticated');
    expect(c.log).toBe('warn,linkerd=info,hickory=error');
    expect(c.cores).toBe(1);
    expect(c.destination).toBeUndefined();
    expect(c.identity).toBeUndefined();
    expect(c.tapSvcName).toBeUndefined();
  });

  it('reads Linkerd syntax for durations, ports, addresses and policies', () => {
    const c = readProxyConfig({
      LINKERD2_PROXY_OUTBOUND_LISTEN_ADDRS: '127.0.0.1:4140,[::1]:4140',
      LINKERD2_PROXY_INBOUND_CONNECT_TIMEOUT: '100ms',
      LINKERD2_PROXY_INBOUND_PORTS_DISABLE_PROTOCOL_DETECTION: '25,587,3306,4444,5432,6379,9300,11211',
      SKEIN_PROXY_OUTBOUND_PORTS_DISABLE_PROTOCOL_DETECTION: '5432,6000-6010',
      LINKERD2_PROXY_INBOUND_DEFAULT_POLICY: 'deny',
      LINKERD2_PROXY_SHUTDOWN_GRACE_PERIOD: '30s',
      LINKERD2_PROXY_LOG_FORMAT: 'JSON',
      LINKERD2_PROXY_DESTINATION_SVC_ADDR: 'localhost:8086',
      LINKERD2_PROXY_CORES: '2',
    });
    expect(c.outbound.listen).toHaveLength(2);
    expect(c.inbound.connectTimeoutMs).toBe(100);
    expect(c.inbound.portsDisableProtocolDetection.has(3306)).toBe(true);
    expect(c.outbound.portsDisableProtocolDetection.has(6005)).toBe(true);
    expect(c.inbound.defaultPolicy).toBe('deny');
    expect(c.shutdownGracePeriodMs).toBe(30_000);
    expect(c.logFormat).toBe('json');
    expect(c.destination?.addr).toMatchObject({ host: 'localhost', port: 8086 });
    expect(c.destination?.name).toBeUndefined();
    expect(c.cores).toBe(1);
    expect(readProxyConfig({ LINKERD2_PROXY_CORES: '2' }, 4).cores).toBe(2);
    expect(readProxyConfig({ SKEIN_PROXY_OUTBOUND_BIND_IP: '127.0.10.1' }).outboundBindIp).toBe('127.0.10.1');
    expect(readProxyConfig({}).memoryProfile).toBe('compact');
    expect(readProxyConfig({ SKEIN_PROXY_MEMORY_PROFILE: 'Throughput' }).memoryProfile).toBe('throughput');
    expect(readProxyConfig({}).outboundBindIp).toBeUndefined();
    expect(readProxyConfig({ LINKERD2_PROXY_CORES_MAX_RATIO: '0.5' }, 4).cores).toBe(2);
  });

  it('collects every bad variable and names it, its value and the expected form', () => {
    try {
      readProxyConfig({
        LINKERD2_PROXY_OUTBOUND_CONNECT_TIMEOUT: '1.5s',
        LINKERD2_PROXY_INBOUND_LISTEN_ADDR: 'nowhere',
        LINKERD2_PROXY_INBOUND_PORTS: '80,90-70',
        LINKERD2_PROXY_INBOUND_DEFAULT_POLICY: 'allow-everyone',
        LINKERD2_PROXY_OUTBOUND_CONNECT_EXP_BACKOFF_MIN: '1s',
        LINKERD2_PROXY_DESTINATION_SVC_ADDR: 'linkerd-dst.linkerd.svc:8086',
        LINKERD2_PROXY_IDENTITY_DISABLED: 'true',
        SKEIN_PROXY_OUTBOUND_BIND_IP: 'pod-ip',
        SKEIN_PROXY_MEMORY_PROFILE: 'fast',
      });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(AggregateConfigError);
      const text = (err as Error).message;
      expect(text).toContain('LINKERD2_PROXY_OUTBOUND_CONNECT_TIMEOUT="1.5s"');
      expect(text).toContain('LINKERD2_PROXY_INBOUND_LISTEN_ADDR="nowhere"');
      expect(text).toContain('LINKERD2_PROXY_INBOUND_PORTS="80,90-70"');
      expect(text).toContain('LINKERD2_PROXY_INBOUND_DEFAULT_POLICY="allow-everyone"');
      expect(text).toContain('LINKERD2_PROXY_OUTBOUND_CONNECT_EXP_BACKOFF_MAX');
      expect(text).toContain('LINKERD2_PROXY_DESTINATION_SVC_NAME');
      expect(text).toContain('LINKERD2_PROXY_IDENTITY_DISABLED');
      expect(text).toMatch(/SKEIN_PROXY_OUTBOUND_BIND_IP="pod-ip".*IPv4 or IPv6 address/);
      expect(text).toMatch(/SKEIN_PROXY_MEMORY_PROFILE="fast".*`compact` or `throughput`/);
    }
  });

  it('requires the identity settings together', () => {
    expect(() => readProxyConfig({ LINKERD2_PROXY_IDENTITY_SVC_ADDR: '127.0.0.1:8080' })).toThrow(
      /LINKERD2_PROXY_IDENTITY_DIR[\s\S]*LINKERD2_PROXY_IDENTITY_TOKEN_FILE[\s\S]*LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS/,
    );
  });
});
