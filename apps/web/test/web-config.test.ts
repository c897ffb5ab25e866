import { describe, expect, it } from 'vitest';
import { DEFAULT_ENFORCED_HOST } from '../src/server/dashboard-server.js';
import { readWebConfig } from '../src/server/web-config.js';

describe('skein-web configuration', () => {
  it('has Linkerd-like defaults and leaves the controller to the local mesh', () => {
    const c = readWebConfig([], {});
    expect(c.addr).toMatchObject({ host: '127.0.0.1', port: 8084 });
    expect(c.controller).toBeUndefined();
    expect(c.refreshIntervalMs).toBe(2000);
    expect(c.grafanaUrl).toBeUndefined();
    expect(c.enforcedHost?.source).toBe(DEFAULT_ENFORCED_HOST.source);
    expect(c.logFormat).toBe('plain');
  });

  it('takes flags over environment variables and says where the controller came from', () => {
    const env = {
      SKEIN_WEB_ADDR: ':9000',
      SKEIN_WEB_API_ADDR: 'ctl.linkerd-viz.svc:8085',
      SKEIN_WEB_GRAFANA_URL: 'https://grafana.example/',
      SKEIN_WEB_REFRESH_INTERVAL: '5s',
    };
    const fromEnv = readWebConfig([], env);
    expect(fromEnv.addr).toMatchObject({ host: '0.0.0.0', port: 9000 });
    expect(fromEnv.controller).toEqual({
      url: 'http://ctl.linkerd-viz.svc:8085',
      origin: 'SKEIN_WEB_API_ADDR',
    });
    expect(fromEnv.grafanaUrl).toBe('https://grafana.example');
    expect(fromEnv.refreshIntervalMs).toBe(5000);
    const fromFlags = readWebConfig(
      ['--api-addr', 'https://k8s.example/proxy/', '--addr', '127.0.0.1:0'],
      env,
    );
    expect(fromFlags.controller).toEqual({ url: 'https://k8s.example/proxy', origin: '--api-addr' });
    expect(fromFlags.addr.port).toBe(0);
    expect(readWebConfig(['--api-addr', '[::1]:8085'], {}).controller?.url).toBe('http://[::1]:8085');
    // What `skein install` renders.
    expect(
      readWebConfig([], { SKEIN_WEB_API_URL: 'http://linkerd-controller.linkerd.svc.cluster.local:8085' })
        .controller,
    ).toEqual({
      url: 'http://linkerd-controller.linkerd.svc.cluster.local:8085',
      origin: 'SKEIN_WEB_API_URL',
    });
    expect(readWebConfig(['--enforced-host', '.*'], {}).enforcedHost).toBeNull();
    expect(
      readWebConfig(['--enforced-host', '^dash\\.example$'], {}).enforcedHost?.test('dash.example'),
    ).toBe(true);
  });

  it('reports every bad value at once, naming the flag or variable, the value and what is expected', () => {
    let message = '';
    try {
      readWebConfig(['--api-addr', 'nowhere', '--refresh-interval', '10ms', '--grafana-url', 'ftp://g'], {
        SKEIN_WEB_LOG_FORMAT: 'xml',
        SKEIN_WEB_ENFORCED_HOST: '(',
      });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^5 configuration settings are invalid:/);
    expect(message).toMatch(/--api-addr.*nowhere/);
    expect(message).toMatch(/--refresh-interval.*10ms.*between 250ms and 1m/);
    expect(message).toMatch(/--grafana-url.*ftp:\/\/g.*http:\/\/ or https:\/\//);
    expect(message).toMatch(/SKEIN_WEB_LOG_FORMAT.*xml.*plain or json/);
    expect(message).toMatch(/SKEIN_WEB_ENFORCED_HOST.*a regular expression/);
    expect(() => readWebConfig(['--api-addr', '127.0.0.1:0'], {})).toThrow(/port other than 0/);
    expect(() => readWebConfig(['--bogus'], {})).toThrow(/arguments.*flags among --addr/);
    expect(() => readWebConfig(['stray'], {})).toThrow(/arguments/);
  });
});
