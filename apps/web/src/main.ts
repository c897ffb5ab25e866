#!/usr/bin/env node
import { homedir } from 'node:os';
import { AggregateConfigError, ConfigError, createLogger, formatAddr, SkeinError } from '@skein/core';
import { advertisedController, fixedController, localMeshStatePath } from './server/controller-target.js';
import { startDashboardServer } from './server/dashboard-server.js';
import { DEFAULT_CONTROLLER, readWebConfig, usage, type WebConfig } from './server/web-config.js';

const VERSION = '0.1.0';

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes('-h') || argv.includes('--help')) {
    process.stdout.write(usage());
    return 0;
  }
  let config: WebConfig;
  try {
    config = readWebConfig(argv, process.env);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof AggregateConfigError) {
      process.stderr.write(`skein-web: ${err.message}\n${usage()}`);
      return 2;
    }
    throw err;
  }
  const logger = createLogger({
    filter: config.logFilter,
    format: config.logFormat,
    bindings: { target: 'skein::web' },
  });
  const statePath = localMeshStatePath(process.env, homedir());
  const controller =
    config.controller === undefined
      ? advertisedController(statePath, DEFAULT_CONTROLLER)
      : fixedController(config.controller);
  let server: Awaited<ReturnType<typeof startDashboardServer>>;
  try {
    server = await startDashboardServer({
      controller,
      listen: { host: config.addr.host, port: config.addr.port },
      ...(config.grafanaUrl === undefined ? {} : { grafanaUrl: config.grafanaUrl }),
      refreshIntervalMs: config.refreshIntervalMs,
      enforcedHost: config.enforcedHost,
      version: VERSION,
      logger,
    });
  } catch (err) {
    const why =
      err instanceof SkeinError
        ? err.message
        : `cannot listen on ${formatAddr(config.addr)}: ${(err as Error).message}`;
    process.stderr.write(`skein-web: ${why}\n`);
    return 1;
  }
  const target = await controller();
  logger.info({ url: server.url, controller: target.url, from: target.origin }, 'dashboard listening');
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  logger.info({}, 'shutting down');
  await server.close();
  return 0;
}

process.exitCode = await main();
