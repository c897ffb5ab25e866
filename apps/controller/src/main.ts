#!/usr/bin/env node
import { homedir } from 'node:os';
import {
  clearLocalMeshState,
  type InventorySource,
  inventoryTapResolver,
  loadInventorySource,
  localMeshStatePath,
  type MetricsSource,
  PrometheusMetricsSource,
  ProxyScraper,
  scrapeTargets,
  startControllerServer,
  writeLocalMeshState,
} from '@skein/controller';
import { AggregateConfigError, ConfigError, createLogger, formatAddr } from '@skein/core';
import { TapAggregator } from '@skein/tap';
import { type ControllerAppConfig, readConfig, usage } from './config.js';

const VERSION = '0.1.0';

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes('-h') || argv.includes('--help')) {
    process.stdout.write(usage());
    return 0;
  }
  let config: ControllerAppConfig;
  try {
    config = readConfig(argv, process.env);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof AggregateConfigError) {
      process.stderr.write(`skein-controller: ${err.message}\n${usage()}`);
      return 2;
    }
    throw err;
  }
  const logger = createLogger({
    filter: config.logFilter,
    format: config.logFormat,
    bindings: { target: 'skein::controller' },
  });
  let source: InventorySource;
  try {
    source = await loadInventorySource(config);
  } catch (err) {
    process.stderr.write(`skein-controller: cannot start: ${(err as Error).message}\n`);
    return 1;
  }
  let metrics: MetricsSource;
  let scraper: ProxyScraper | undefined;
  if (config.prometheusUrl !== undefined) {
    metrics = new PrometheusMetricsSource({ url: config.prometheusUrl });
  } else {
    scraper = new ProxyScraper({
      targets: () => scrapeTargets(source.inventory),
      intervalMs: config.scrapeIntervalMs,
      logger,
    });
    scraper.start();
    metrics = scraper;
  }
  const tap = new TapAggregator({
    resolver: inventoryTapResolver(source.inventory),
    policy: source.policy,
    logger,
  });
  let server: Awaited<ReturnType<typeof startControllerServer>>;
  try {
    server = await startControllerServer({
      inventory: source.inventory,
      metrics,
      metricsSourceName: scraper === undefined ? 'prometheus' : 'scraper',
      tap,
      trustRemoteUserHeaders: config.trustRemoteUserHeaders,
      version: VERSION,
      logger,
      listen: { host: config.addr.host, port: config.addr.port },
    });
  } catch (err) {
    process.stderr.write(
      `skein-controller: cannot listen on ${formatAddr(config.addr)}: ${(err as Error).message}\n`,
    );
    scraper?.stop();
    return 1;
  }
  const apiAddr = `${server.address.host.includes(':') ? `[${server.address.host}]` : server.address.host}:${server.address.port}`;
  const statePath = localMeshStatePath(process.env, homedir());
  if (config.advertiseLocal) {
    await writeLocalMeshState(statePath, { apiAddr, pid: process.pid, startedAt: new Date().toISOString() });
  }
  logger.info(
    {
      addr: apiAddr,
      metrics: scraper === undefined ? config.prometheusUrl : 'built-in scraper',
      state: config.advertiseLocal ? statePath : undefined,
    },
    'controller API listening',
  );
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  logger.info({}, 'shutting down');
  scraper?.stop();
  if (config.advertiseLocal) await clearLocalMeshState(statePath, process.pid);
  await server.close();
  return 0;
}

process.exitCode = await main();
