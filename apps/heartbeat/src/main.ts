import { readFileSync } from 'node:fs';
import { createLogger } from '@skein/core';
import { collectHeartbeat, kubeClusterReader, loadKubeConfig, sendHeartbeat } from '@skein/install';
import { CommanderError } from 'commander';
import { type HeartbeatOptions, parseOptions } from './options.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

let options: HeartbeatOptions;
try {
  options = parseOptions(process.argv.slice(2), version);
} catch (err) {
  // commander already printed the problem (or the help/version).
  process.exit(err instanceof CommanderError && err.exitCode === 0 ? 0 : 2);
}
const logger = createLogger({
  filter: options.logLevel,
  format: options.logFormat,
  bindings: { target: 'skein::heartbeat' },
});

/**
 * One heartbeat: read, send, log. Every failure is logged and the process still exits 0, so an
 * unreachable endpoint or a missing Prometheus never fails the CronJob or anything after it.
 */
async function main(): Promise<void> {
  let cluster: ReturnType<typeof kubeClusterReader>;
  try {
    cluster = kubeClusterReader(
      loadKubeConfig(options.kubeconfig === undefined ? {} : { kubeconfig: options.kubeconfig }),
    );
  } catch (err) {
    logger.warn({ err: (err as Error).message }, 'no Kubernetes configuration; heartbeat not sent');
    return;
  }
  const report = await collectHeartbeat({
    cluster,
    namespace: options.controllerNamespace,
    arch: process.arch === 'x64' ? 'amd64' : process.arch,
    timeoutMs: options.timeout,
    ...(options.prometheusUrl === undefined ? {} : { prometheusUrl: options.prometheusUrl }),
  });
  for (const problem of report.errors) logger.info({ problem }, 'figure left out of the heartbeat');
  const delivery = await sendHeartbeat(options.url, report.params, { timeoutMs: options.timeout });
  if (delivery.ok) logger.info({ url: delivery.url, status: delivery.status }, 'heartbeat sent');
  else logger.warn({ url: delivery.url, error: delivery.error }, 'heartbeat not delivered');
}

main().then(
  () => {
    process.exitCode = 0;
  },
  (err: unknown) => {
    logger.warn({ err: (err as Error).message }, 'heartbeat failed');
    process.exitCode = 0;
  },
);
