#!/usr/bin/env node
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type InventorySource,
  inventoryTapResolver,
  loadInventorySource,
  tapApiListener,
} from '@skein/controller';
import { AggregateConfigError, ConfigError, createLogger, formatAddr } from '@skein/core';
import { TapAggregator } from '@skein/tap';
import { readConfig, type TapAppConfig, usage } from './config.js';

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes('-h') || argv.includes('--help')) {
    process.stdout.write(usage());
    return 0;
  }
  let config: TapAppConfig;
  try {
    config = readConfig(argv, process.env);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof AggregateConfigError) {
      process.stderr.write(`skein-tap: ${err.message}\n${usage()}`);
      return 2;
    }
    throw err;
  }
  const logger = createLogger({
    filter: config.logFilter,
    format: config.logFormat,
    bindings: { target: 'skein::tap' },
  });
  let src: InventorySource;
  try {
    src = await loadInventorySource(config);
  } catch (err) {
    process.stderr.write(`skein-tap: cannot start: ${(err as Error).message}\n`);
    return 1;
  }
  const tap = new TapAggregator({
    resolver: inventoryTapResolver(src.inventory),
    policy: src.policy,
    ignoredHeaders: config.ignoredHeaders,
    logger,
  });
  const server = createServer(
    tapApiListener({ tap, trustRemoteUserHeaders: config.trustRemoteUserHeaders, logger }),
  );
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.addr.port, config.addr.host, resolve);
    });
  } catch (err) {
    process.stderr.write(
      `skein-tap: cannot listen on ${formatAddr(config.addr)}: ${(err as Error).message}\n`,
    );
    return 1;
  }
  const addr = server.address() as AddressInfo;
  logger.info({ addr: `${addr.address}:${addr.port}` }, 'tap API listening');
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return 0;
}

process.exitCode = await main();
