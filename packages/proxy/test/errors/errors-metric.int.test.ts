import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, LoadShedError, SkeinError } from '@skein/core';
import { afterAll, describe, expect, it } from 'vitest';
import { readProxyConfig } from '../../src/config/proxy-config.js';
import { errorMetricLabel, tcpErrorMetricLabel } from '../../src/errors/synthesize.js';
import { HttpParseError } from '../../src/http1/parse-error.js';
import { SkeinProxy } from '../../src/proxy.js';
import { getVia } from '../support/mesh.js';

describe('errors_total', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skein-errors-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('labels proxy failures as spec §5.3 does and leaves client and policy outcomes out', () => {
    expect(errorMetricLabel(new LoadShedError())).toBe('loadshed');
    expect(errorMetricLabel(new SkeinError(ErrorCode.Failfast, 'x'))).toBe('failfast');
    expect(errorMetricLabel(new SkeinError('ERR_SKEIN_IDENTITY_REQUIRED', 'x'))).toBe('identity required');
    expect(errorMetricLabel(new SkeinError('ERR_SKEIN_RESPONSE_TIMEOUT', 'x'))).toBe('response timeout');
    expect(errorMetricLabel(new SkeinError(ErrorCode.Connect, 'x'))).toBe('i/o');
    expect(errorMetricLabel(new Error('bug'))).toBe('unexpected');
    expect(errorMetricLabel(new HttpParseError(400, 'smuggling'))).toBeUndefined();
    expect(errorMetricLabel(new SkeinError(ErrorCode.Forbidden, 'denied'))).toBeUndefined();
  });

  it('labels TCP failures: failfast, loadshed, identity required, i/o, else unexpected', () => {
    expect(tcpErrorMetricLabel(new SkeinError(ErrorCode.Failfast, 'x'))).toBe('failfast');
    expect(tcpErrorMetricLabel(new LoadShedError())).toBe('loadshed');
    expect(tcpErrorMetricLabel(new SkeinError('ERR_SKEIN_IDENTITY_REQUIRED', 'x'))).toBe('identity required');
    expect(tcpErrorMetricLabel(new SkeinError(ErrorCode.Connect, 'refused'))).toBe('i/o');
    expect(tcpErrorMetricLabel(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(
      'i/o',
    );
    expect(tcpErrorMetricLabel(new Error('bug'))).toBe('unexpected');
  });

  it('counts an outbound connect failure as error="i/o"', async () => {
    // A port that was just free: connections to it are refused.
    const closed = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as net.AddressInfo;
        s.close(() => resolve(port));
      });
    });
    const file = join(dir, 'd.yaml');
    writeFileSync(
      file,
      `authorities:\n  gone.test:80:\n    endpoints: [ { address: "127.0.0.1:${closed}" } ]\n`,
    );
    const proxy = await SkeinProxy.start({
      config: readProxyConfig({
        LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR: '127.0.0.1:0',
        LINKERD2_PROXY_INBOUND_LISTEN_ADDR: '127.0.0.1:0',
        LINKERD2_PROXY_ADMIN_LISTEN_ADDR: '127.0.0.1:0',
        LINKERD2_PROXY_OUTBOUND_CONNECT_TIMEOUT: '200ms',
        LINKERD2_PROXY_OUTBOUND_HTTP_FAILFAST_TIMEOUT: '300ms',
        SKEIN_PROXY_DISCOVERY_FILE: file,
      }),
    });
    try {
      const res = await getVia(proxy.addresses.outbound[0]!.port, '127.0.0.1', 'http://gone.test/');
      expect([502, 504]).toContain(res.status);
      const label = res.status === 502 ? 'i/o' : 'failfast';
      const metrics = await getVia(proxy.addresses.admin.port, '127.0.0.1', 'http://admin/metrics');
      expect(metrics.body).toContain(`outbound_http_errors_total{error="${label}"} 1`);
      expect(metrics.body).not.toMatch(/inbound_http_errors_total\{/);
    } finally {
      await proxy.shutdown(100);
    }
  });
});
