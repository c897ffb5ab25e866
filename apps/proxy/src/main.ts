// skein-proxy: reads LINKERD2_PROXY_* (and SKEIN_PROXY_*) from the environment, starts the
// proxy, and owns the process: logs, signals, exit codes. All behaviour lives in @skein/proxy.

import { watch } from 'node:fs';
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { AggregateConfigError, ConfigError, createLogger, ReloadableLogFilter } from '@skein/core';
import { loadPlugins, readProxyConfig, SkeinProxy } from '@skein/proxy';
import { applyMemoryProfile } from './memory-profile.js';

async function main(): Promise<number> {
  // ServiceProfile route regexes come from the control plane: fall back to V8's linear-time
  // engine when one backtracks excessively, so a regex cannot freeze the proxy.
  setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
  let config: ReturnType<typeof readProxyConfig>;
  try {
    config = readProxyConfig(process.env, availableParallelism());
  } catch (err) {
    if (err instanceof AggregateConfigError || err instanceof ConfigError) {
      process.stderr.write(`skein-proxy: invalid configuration:\n${err.message}\n`);
      return 1;
    }
    throw err;
  }
  // SKEIN_PROXY_MEMORY_PROFILE (ADR 0024): under `compact` (default) this re-executes the
  // process once with a small young generation (~110 MiB RSS under load instead of ~230 MiB).
  applyMemoryProfile(config.memoryProfile);
  const logFilter = new ReloadableLogFilter(config.log);
  const logger = createLogger({
    filter: logFilter,
    format: config.logFormat,
    bindings: { target: 'skein::proxy' },
  });
  let plugins: Awaited<ReturnType<typeof loadPlugins>>;
  try {
    plugins = await loadPlugins(config.plugins, logger);
  } catch (err) {
    logger.error({ err }, 'failed to load plugins');
    return 1;
  }
  let proxy: SkeinProxy;
  try {
    proxy = await SkeinProxy.start({ config, logger, logFilter, env: process.env, ...plugins });
  } catch (err) {
    logger.error({ err }, 'failed to start');
    return 1;
  }
  process.stdout.write(`skein-proxy ready: ${JSON.stringify(proxy.addresses)}\n`);
  if (config.discoveryFile !== undefined) {
    const file = config.discoveryFile;
    let pending: NodeJS.Timeout | undefined;
    watch(file, () => {
      clearTimeout(pending);
      pending = setTimeout(() => {
        proxy.reloadDiscoveryFile().then(
          () => logger.info({ file }, 'discovery file reloaded'),
          (err: unknown) =>
            logger.warn({ err, file }, 'discovery file not reloaded; keeping the previous one'),
        );
      }, 100);
    }).unref();
  }
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        logger.warn({ signal }, 'second signal: exiting now');
        resolve(1);
        return;
      }
      stopping = true;
      logger.info({ signal }, 'received signal; draining');
      proxy.shutdown().then(
        () => resolve(0),
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          resolve(1);
        },
      );
    };
    proxy.onShutdownRequest(() => stop('admin /shutdown'));
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `skein-proxy: fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
