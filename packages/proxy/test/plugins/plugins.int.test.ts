import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@skein/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProxyConfig } from '../../src/config/proxy-config.js';
import { loadPlugins } from '../../src/plugins/plugin.js';
import { SkeinProxy } from '../../src/proxy.js';
import { getVia } from '../support/mesh.js';

// A plugin module as users write one: a function of the plugin context returning the plugin,
// adding an outbound layer, a metric and a balancer strategy.
const PLUGIN = `
export default function plugin(ctx) {
  let seen = 0;
  ctx.addMetrics({ render: () => '# TYPE test_plugin_requests_total counter\\ntest_plugin_requests_total ' + seen + '\\n' });
  ctx.logger.info({}, 'test plugin ready');
  return {
    name: 'test-plugin',
    outbound: [(next) => ({ dispatch(req, handler) { seen++; req.headers.push('x-plugin', 'seen'); next.dispatch(req, handler); } })],
    balancers: {
      'always-first': () => ({
        name: 'always-first',
        newLoad: () => ({ cost: () => 0, start() {}, end() {} }),
        pick: () => 0,
      }),
    },
  };
}
`;

describe('proxy plugins', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skein-plugins-'));
  let backend: http.Server;
  let discovery: string;
  const headers: (string | undefined)[] = [];

  beforeAll(async () => {
    writeFileSync(join(dir, 'plugin.mjs'), PLUGIN);
    writeFileSync(join(dir, 'not-a-plugin.mjs'), 'export const x = 1;\n');
    backend = http.createServer((req, res) => {
      headers.push(req.headers['x-plugin'] as string | undefined);
      res.end('ok');
    });
    backend.listen(0, '127.0.0.1');
    await once(backend, 'listening');
    discovery = join(dir, 'd.yaml');
    writeFileSync(
      discovery,
      `authorities:\n  web.plugin:80:\n    endpoints: [ { address: "127.0.0.1:${(backend.address() as AddressInfo).port}" } ]\n`,
    );
  });

  afterAll(() => {
    backend.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const env = (extra: Record<string, string>) =>
    readProxyConfig({
      LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR: '127.0.0.1:0',
      LINKERD2_PROXY_INBOUND_LISTEN_ADDR: '127.0.0.1:0',
      LINKERD2_PROXY_ADMIN_LISTEN_ADDR: '127.0.0.1:0',
      SKEIN_PROXY_DISCOVERY_FILE: discovery,
      ...extra,
    });

  it('loads layers, metrics and a balancer strategy selected by SKEIN_PROXY_BALANCER', async () => {
    const config = env({
      SKEIN_PROXY_PLUGINS: join(dir, 'plugin.mjs'),
      SKEIN_PROXY_BALANCER: 'always-first',
    });
    const plugins = await loadPlugins(config.plugins);
    expect(plugins.names).toEqual(['test-plugin']);
    const proxy = await SkeinProxy.start({ config, ...plugins });
    try {
      const res = await getVia(proxy.addresses.outbound[0]!.port, '127.0.0.1', 'http://web.plugin/');
      expect(res.status).toBe(200);
      expect(headers.at(-1)).toBe('seen');
      const metrics = await getVia(proxy.addresses.admin.port, '127.0.0.1', 'http://admin/metrics');
      expect(metrics.body).toContain('test_plugin_requests_total 1\n');
    } finally {
      await proxy.shutdown(100);
    }
  });

  it('refuses a module that exports no plugin, naming it', async () => {
    const spec = join(dir, 'not-a-plugin.mjs');
    await expect(loadPlugins([spec])).rejects.toThrow(ConfigError);
    await expect(loadPlugins([spec])).rejects.toThrow(/SKEIN_PROXY_PLUGINS.*not-a-plugin\.mjs.*ProxyPlugin/);
    await expect(loadPlugins([join(dir, 'missing.mjs')])).rejects.toThrow(/an importable module/);
  });

  it('refuses to start with a balancer no one registered, listing the known ones', async () => {
    const start = SkeinProxy.start({ config: env({ SKEIN_PROXY_BALANCER: 'least-typo' }) });
    await expect(start).rejects.toThrow(ConfigError);
    await expect(SkeinProxy.start({ config: env({ SKEIN_PROXY_BALANCER: 'least-typo' }) })).rejects.toThrow(
      /SKEIN_PROXY_BALANCER="least-typo".*p2c-peak-ewma/,
    );
  });
});
