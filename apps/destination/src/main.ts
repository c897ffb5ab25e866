#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';
import { KubeConfig } from '@kubernetes/client-node';
import { AggregateConfigError, ConfigError, createLogger, formatAddr, type Logger } from '@skein/core';
import { watchStaticDiscoveryFile } from '@skein/discovery';
import {
  type DestinationBackend,
  KubeCluster,
  KubeDestinationBackend,
  KubePolicyBackend,
  KubePolicyCluster,
  type PolicyBackend,
  StaticDestinationBackend,
  StaticPolicyBackend,
  serveDestination,
  servePolicy,
} from '@skein/discovery/server';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { firstValueFrom, shareReplay } from 'rxjs';
import { startAdminServer } from './admin-server.js';
import { type DestinationAppConfig, readConfig, usage } from './config.js';

async function backendFor(
  config: DestinationAppConfig,
  logger: Logger,
  registry: Registry,
): Promise<{ backend: DestinationBackend; policy: PolicyBackend; ready: () => boolean; stop: () => void }> {
  if (config.source.kind === 'static') {
    const discovery = watchStaticDiscoveryFile(config.source.file, { logger }).pipe(
      shareReplay({ bufferSize: 1, refCount: false }),
    );
    // Fail at start, with the file's error, rather than on the first request.
    await firstValueFrom(discovery);
    logger.info({ file: config.source.file }, 'serving the static discovery file');
    return {
      backend: new StaticDestinationBackend({ discovery, settings: config.mesh, logger }),
      policy: new StaticPolicyBackend({ discovery, settings: config.policy, logger }),
      ready: () => true,
      stop: () => {},
    };
  }
  const kubeConfig = new KubeConfig();
  if (config.source.kubeconfig !== undefined) kubeConfig.loadFromFile(config.source.kubeconfig);
  else kubeConfig.loadFromDefault();
  logger.info({ server: kubeConfig.getCurrentCluster()?.server }, 'watching Kubernetes');
  const cluster = new KubeCluster({ kubeConfig, logger, registry });
  void cluster.ready();
  // The policy controller's own watches, as in Linkerd's linkerd-destination pod.
  const policyCluster = new KubePolicyCluster({ kubeConfig, logger, registry });
  void policyCluster.ready();
  return {
    backend: new KubeDestinationBackend({ cluster, settings: config.mesh, logger }),
    policy: new KubePolicyBackend({ cluster: policyCluster, settings: config.policy, logger }),
    ready: () => cluster.synced && policyCluster.synced,
    stop: () => {
      cluster.stop();
      policyCluster.stop();
    },
  };
}

async function main(): Promise<number> {
  // Listing and watching a cluster's pods through client-node churns through large objects: let
  // V8 collect sooner rather than grow the heap. For 5,000 realistic pods this holds RSS near
  // 180 MB instead of ~360 MB (see @skein/discovery's memory figures and ADR 0024).
  setFlagsFromString('--optimize-for-size');
  const argv = process.argv.slice(2);
  if (argv.includes('-h') || argv.includes('--help') || argv.includes('-help')) {
    process.stdout.write(usage());
    return 0;
  }
  let config: DestinationAppConfig;
  try {
    config = readConfig(argv, process.env);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof AggregateConfigError) {
      process.stderr.write(`skein-destination: ${err.message}\n${usage()}`);
      return 2;
    }
    throw err;
  }
  const logger = createLogger({
    filter: config.logFilter,
    format: config.logFormat,
    bindings: { target: 'skein::destination' },
  });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let source: Awaited<ReturnType<typeof backendFor>>;
  try {
    source = await backendFor(config, logger, registry);
  } catch (err) {
    process.stderr.write(`skein-destination: cannot start: ${(err as Error).message}\n`);
    return 1;
  }
  const grpc = await serveDestination({
    backend: source.backend,
    address: formatAddr(config.addr),
    logger,
    registry,
  });
  const policy = await servePolicy({
    backend: source.policy,
    address: formatAddr(config.policyAddr),
    logger,
    registry,
  });
  const admin = await startAdminServer(config.adminAddr, registry, source.ready);
  logger.info(
    { grpcPort: grpc.port, adminPort: admin.port, policyPort: policy.port },
    'destination service listening',
  );
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  logger.info('shutting down');
  await Promise.all([grpc.close(2_000), policy.close(2_000)]);
  await admin.close();
  source.stop();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`skein-destination: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
