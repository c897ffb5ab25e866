import { readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { createLogger, SkeinError } from '@skein/core';
import {
  type AdmissionHandler,
  checkTapServiceName,
  createInjectorAdmissionHandler,
  createTapInjectorAdmissionHandler,
  Injector,
  InjectorMetrics,
  parseListenAddress,
  resolveValues,
  startAdminServer,
  startAdmissionServer,
} from '@skein/inject';
import { Registry } from 'prom-client';
import { parse } from 'yaml';
import { namespaceLookup, ownerLookup } from './kube-lookups.js';
import { parseOptions } from './options.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};
const options = parseOptions(process.argv.slice(2), version);
const TAP_INJECT_PATH = '/tap-inject';
const logger = createLogger({
  filter: options.logLevel,
  format: options.logFormat,
  bindings: { target: 'skein::proxy_injector' },
});

function readValues(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new Error(
      `cannot read the values file ${path} (--values): ${(cause as NodeJS.ErrnoException).code}`,
      { cause },
    );
  }
  return parse(text) as unknown;
}

async function main(): Promise<void> {
  const addr = parseListenAddress(options.addr, '--addr');
  const adminAddr = parseListenAddress(options.adminAddr, '--admin-addr');
  const { values, warnings } = resolveValues([readValues(options.values)], undefined, options.values);
  for (const w of warnings) logger.warn({ file: options.values }, w);
  const kc = new KubeConfig();
  if (options.kubeconfig === undefined) kc.loadFromDefault();
  else kc.loadFromFile(options.kubeconfig);
  const registry = new Registry();
  const getNamespace = namespaceLookup(kc);
  const handler = createInjectorAdmissionHandler({
    injector: new Injector({
      values,
      origin: 'webhook',
      controlPlaneNamespace: options.controllerNamespace,
      createdBy: `skein/proxy-injector ${version}`,
    }),
    getNamespace,
    getOwner: ownerLookup(kc),
    metrics: new InjectorMetrics(registry),
    logger,
  });
  // Linkerd runs the tap injector as its own webhook; here it is a second path of this server,
  // registered by its own MutatingWebhookConfiguration (ADR 0023).
  const handlers: Record<string, AdmissionHandler> = {};
  if (options.tapServiceName !== undefined) {
    handlers[TAP_INJECT_PATH] = createTapInjectorAdmissionHandler({
      tapServiceName: checkTapServiceName(options.tapServiceName, '--tap-service-name'),
      controlPlaneNamespace: options.controllerNamespace,
      getNamespace,
      logger,
    });
  }
  let ready = false;
  const admin = await startAdminServer({
    registry,
    host: adminAddr.host,
    port: adminAddr.port,
    isReady: () => ready,
  });
  const webhook = await startAdmissionServer({
    handler,
    handlers,
    certificate: { certFile: options.tlsCert, keyFile: options.tlsKey },
    host: addr.host,
    port: addr.port,
    logger,
  });
  ready = true;
  logger.info(
    {
      tapInjector: options.tapServiceName === undefined ? 'off' : TAP_INJECT_PATH,
      addr: `${addr.host}:${webhook.port}`,
      adminAddr: `${adminAddr.host}:${admin.port}`,
    },
    'proxy injector listening',
  );
  const shutdown = (signal: string): void => {
    logger.info({ signal }, 'shutting down');
    ready = false;
    Promise.all([webhook.close(), admin.close()]).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  // Configuration mistakes get their message alone; anything else keeps its stack.
  if (err instanceof SkeinError) logger.error({ code: err.code }, err.message);
  else logger.error({ err }, err instanceof Error ? err.message : String(err));
  process.exit(1);
});
