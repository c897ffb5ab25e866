import { readFileSync } from 'node:fs';
import { createLogger, SkeinError } from '@skein/core';
import {
  createServiceProfileAdmissionHandler,
  parseListenAddress,
  startAdminServer,
  startAdmissionServer,
} from '@skein/inject';
import { Command, Option } from 'commander';
import { Registry } from 'prom-client';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};
const env = (name: string) => `SKEIN_SP_VALIDATOR_${name}`;
const options = new Command('skein-sp-validator')
  .description("Validating admission webhook for ServiceProfiles, with Linkerd's rules.")
  .version(version)
  .addOption(new Option('--addr <addr>', 'webhook listen address').env(env('ADDR')).default(':8443'))
  .addOption(
    new Option('--admin-addr <addr>', 'metrics and probes listen address')
      .env(env('ADMIN_ADDR'))
      .default(':9997'),
  )
  .addOption(
    new Option('--tls-cert <file>', 'serving certificate')
      .env(env('TLS_CERT'))
      .default('/var/run/linkerd/tls/tls.crt'),
  )
  .addOption(
    new Option('--tls-key <file>', 'serving key').env(env('TLS_KEY')).default('/var/run/linkerd/tls/tls.key'),
  )
  .addOption(new Option('--log-level <filter>', 'log filter').env(env('LOG_LEVEL')).default('info'))
  .addOption(
    new Option('--log-format <format>', 'log format')
      .choices(['plain', 'json'])
      .env(env('LOG_FORMAT'))
      .default('plain'),
  )
  .parse(process.argv)
  .opts<{
    addr: string;
    adminAddr: string;
    tlsCert: string;
    tlsKey: string;
    logLevel: string;
    logFormat: 'plain' | 'json';
  }>();
const logger = createLogger({
  filter: options.logLevel,
  format: options.logFormat,
  bindings: { target: 'skein::sp_validator' },
});

async function main(): Promise<void> {
  const addr = parseListenAddress(options.addr, '--addr');
  const adminAddr = parseListenAddress(options.adminAddr, '--admin-addr');
  let ready = false;
  const admin = await startAdminServer({
    registry: new Registry(),
    host: adminAddr.host,
    port: adminAddr.port,
    isReady: () => ready,
  });
  const webhook = await startAdmissionServer({
    handler: createServiceProfileAdmissionHandler({ logger }),
    certificate: { certFile: options.tlsCert, keyFile: options.tlsKey },
    host: addr.host,
    port: addr.port,
    logger,
  });
  ready = true;
  logger.info(
    { addr: `${addr.host}:${webhook.port}`, adminAddr: `${adminAddr.host}:${admin.port}` },
    'sp-validator listening',
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
  if (err instanceof SkeinError) logger.error({ code: err.code }, err.message);
  else logger.error({ err }, err instanceof Error ? err.message : String(err));
  process.exit(1);
});
