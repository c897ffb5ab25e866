import { readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { createLogger, parseAddr, SkeinError } from '@skein/core';
import {
  CertifyMetrics,
  CertifyService,
  KubernetesTokenValidator,
  StaticTokenValidator,
  startCertifyServer,
  type TokenValidator,
  TrustAnchors,
  watchIssuerDirectory,
} from '@skein/identity';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { startAdminServer } from './admin-server.js';
import { type IdentityAppConfig, readConfig, usage } from './config.js';

function fail(message: string): never {
  process.stderr.write(`skein-identity: ${message}\n`);
  process.exit(2);
}

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write(usage());
  process.exit(0);
}

let config: IdentityAppConfig;
let anchors: TrustAnchors;
let validator: TokenValidator;
try {
  config = readConfig(process.argv.slice(2), process.env);
  anchors =
    config.trustAnchorsPem !== undefined
      ? TrustAnchors.fromPem(config.trustAnchorsPem, 'SKEIN_IDENTITY_TRUST_ANCHORS_PEM')
      : TrustAnchors.fromPem(readFileSync(config.trustAnchorsFile, 'utf8'), config.trustAnchorsFile);
  if (config.staticTokensFile !== undefined) {
    validator = StaticTokenValidator.parse(
      readFileSync(config.staticTokensFile, 'utf8'),
      config.staticTokensFile,
    );
  } else {
    const kc = new KubeConfig();
    if (config.kubeconfig !== undefined) kc.loadFromFile(config.kubeconfig);
    else kc.loadFromDefault();
    validator = new KubernetesTokenValidator(kc);
  }
} catch (err) {
  fail(err instanceof SkeinError || err instanceof Error ? err.message : String(err));
}

const logger = createLogger({
  filter: config.logFilter,
  format: config.logFormat,
  bindings: { target: 'skein::identity' },
});
const registry = new Registry();
collectDefaultMetrics({ register: registry });
const metrics = new CertifyMetrics(registry);
const service = new CertifyService({
  trustAnchors: anchors,
  validator,
  trustDomain: config.trustDomain,
  controlPlaneNamespace: config.controllerNamespace,
  lifetimeMs: config.issuanceLifetimeMs,
  clockSkewMs: config.clockSkewMs,
  logger,
  metrics,
});
const issuerWatch = watchIssuerDirectory(config.issuerDir, { pollMs: config.issuerPollMs }).subscribe(
  (load) => {
    if (load.ok) service.setIssuer(load.issuer);
    else {
      logger.warn({ err: load.error }, 'issuer update skipped');
      metrics.issuerUpdateSkipped();
    }
  },
);

const admin = parseAddr(config.adminAddr, '--admin-addr');
const [certify, adminServer] = await Promise.all([
  startCertifyServer(service, config.addr),
  startAdminServer(admin.host, admin.port, registry, () => service.authority !== undefined),
]).catch((err: unknown) => fail(`cannot listen: ${(err as Error).message}`));
const certifyHost = parseAddr(config.addr, '--addr').host;
logger.info(
  { certify: `${certifyHost}:${certify.port}`, admin: `${admin.host}:${adminServer.port}` },
  `listening: certify ${certifyHost}:${certify.port} admin ${admin.host}:${adminServer.port}`,
);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  issuerWatch.unsubscribe();
  void Promise.all([certify.close(2000), adminServer.close()]).then(() => process.exit(0));
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
