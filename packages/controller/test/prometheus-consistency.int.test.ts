import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allocatePort, type RunningProcess, runProcess, waitFor } from '@skein/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PrometheusMetricsSource,
  ProxyScraper,
  prometheusScrapeConfig,
  queryEdges,
  queryStat,
  type StatRow,
  scrapeTargets,
} from '../src/index.js';
import { type DemoMesh, startDemoMesh } from './support/demo-mesh.js';

let mesh: DemoMesh;
let scraper: ProxyScraper;
let prometheus: RunningProcess;
let prometheusUrl: string;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  mesh = await startDemoMesh();
  // Every series exists (the api failure series appears at the 10th request) before either
  // source first looks, so neither has to guess where a new counter started.
  await mesh.load(20);
  const targets = await scrapeTargets(mesh.inventory);
  const config = join(mesh.dir, 'prometheus.yml');
  writeFileSync(config, prometheusScrapeConfig(targets, { intervalMs: 1000 }));
  const port = await allocatePort();
  prometheusUrl = `http://127.0.0.1:${port}`;
  prometheus = await runProcess({
    command: '/usr/bin/prometheus',
    args: [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(mesh.dir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    cwd: mesh.dir,
  });
  await waitFor(async () => (await fetch(`${prometheusUrl}/-/ready`).catch(() => undefined))?.ok, {
    timeoutMs: 20_000,
    what: 'Prometheus ready',
  });
  // Prometheus applies discovered targets a few seconds after it starts: wait for its first scrape.
  const prom = new PrometheusMetricsSource({ url: prometheusUrl });
  await waitFor(
    async () => (await prom.query('sum(up{job="skein-proxies"})', [])).some((s) => s.value === 1),
    {
      timeoutMs: 20_000,
      intervalMs: 200,
      what: 'the first Prometheus scrape of the proxy',
    },
  );
  scraper = new ProxyScraper({ targets: () => scrapeTargets(mesh.inventory), intervalMs: 1000 });
  scraper.start();
  // Both sources take a baseline scrape, then steady traffic for a few seconds, then both
  // scrape the end state.
  await sleep(1500);
  const until = Date.now() + 5000;
  while (Date.now() < until) {
    await mesh.load(5);
    await sleep(50);
  }
  await sleep(2500);
}, 60_000);

afterAll(async () => {
  scraper?.stop();
  await prometheus?.close(2000);
  await mesh?.close();
});

const row = (rows: StatRow[], name: string) => rows.find((r) => r.resource.name === name)!;

describe('the Prometheus source and the built-in scraper agree', () => {
  it('on success rate, request rate and latency per deployment', async () => {
    const prom = new PrometheusMetricsSource({ url: prometheusUrl });
    const q = { kind: 'deployment' as const, namespace: 'demo', windowMs: 15_000 };
    const [fromProm, fromScraper] = await Promise.all([
      queryStat(mesh.inventory, prom, q),
      queryStat(mesh.inventory, scraper, q),
    ]);
    for (const name of ['api', 'web']) {
      const p = row(fromProm, name).stats!;
      const s = row(fromScraper, name).stats!;
      expect(p.requestRate).toBeGreaterThan(0);
      expect(s.requestRate).toBeGreaterThan(0);
      // Both extrapolate the same way, but scrape at different instants.
      expect(Math.abs(p.requestRate - s.requestRate) / s.requestRate).toBeLessThan(0.2);
      expect(Math.abs(p.successRate! - s.successRate!)).toBeLessThan(0.02);
      expect(p.latencyMs.p50).not.toBeNull();
      expect(Math.abs(p.latencyMs.p50! - s.latencyMs.p50!)).toBeLessThanOrEqual(1);
    }
    expect(row(fromScraper, 'api').stats!.successRate).toBeGreaterThan(0.85);
    expect(row(fromScraper, 'api').stats!.successRate).toBeLessThan(0.95);
    expect(row(fromProm, 'api').stats!.successRate).toBeGreaterThan(0.85);
    expect(row(fromProm, 'api').stats!.successRate).toBeLessThan(0.95);
    expect(row(fromProm, 'web').stats!.successRate).toBe(1);
  });

  it('on edges', async () => {
    const prom = new PrometheusMetricsSource({ url: prometheusUrl });
    const q = { kind: 'deployment' as const, namespace: 'demo', windowMs: 15_000 };
    const names = (rows: Awaited<ReturnType<typeof queryEdges>>) =>
      rows.map((e) => `${e.src.name}>${e.dst.name}:${e.secured}`);
    expect(names(await queryEdges(mesh.inventory, prom, q))).toEqual(
      names(await queryEdges(mesh.inventory, scraper, q)),
    );
  });

  it('reports a Prometheus that cannot answer, naming it', async () => {
    const prom = new PrometheusMetricsSource({ url: 'http://127.0.0.1:1' });
    await expect(
      prom.rate({ metric: 'response_total', match: {}, by: [], windowMs: 60_000 }),
    ).rejects.toThrow(/^Prometheus at http:\/\/127\.0\.0\.1:1 did not answer/);
  });
});
