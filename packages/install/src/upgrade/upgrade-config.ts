import { type InstallConfig, resolveInstallConfig } from '../values/install-config.js';
import type { Installation } from './read-installation.js';

/** What `skein upgrade` adds on top of the installation. */
export interface UpgradeInput {
  /** The version to upgrade to. */
  readonly version: string;
  /** Control-plane namespace. */
  readonly namespace: string;
  /** New values layers (`--values`, `--set`, flags), applied over the installed overrides. */
  readonly values?: readonly unknown[];
  /** Where each new layer came from. */
  readonly sources?: readonly string[];
  /** Clock (ms since the epoch). */
  readonly now?: number;
}

/**
 * The configuration of an upgrade: the installed overrides, then the new layers, with the
 * installed trust anchors, issuer and webhook certificates kept (so running proxies stay valid
 * and the webhooks' CA bundles do not change).
 */
export function resolveUpgradeConfig(installation: Installation, input: UpgradeInput): InstallConfig {
  const layers = [installation.overrides, ...(input.values ?? [])];
  return resolveInstallConfig({
    version: input.version,
    namespace: input.namespace,
    values: layers,
    sources: [
      'linkerd-config-overrides',
      ...(input.sources ?? (input.values ?? []).map((_, i) => `layer ${i + 1}`)),
    ],
    identity:
      installation.issuer === undefined
        ? { trustAnchorsPem: installation.trustAnchorsPem, externalIssuer: true }
        : {
            trustAnchorsPem: installation.trustAnchorsPem,
            issuerCertificatePem: installation.issuer.certificatePem,
            issuerKeyPem: installation.issuer.keyPem,
            sources: {
              trustAnchors: 'configmap linkerd-identity-trust-roots',
              issuerCertificate: 'secret linkerd-identity-issuer crt.pem',
              issuerKey: 'secret linkerd-identity-issuer key.pem',
            },
          },
    webhookCertificates: installation.webhookCertificates,
    ...(installation.heartbeatSchedule === undefined
      ? {}
      : { heartbeatSchedule: installation.heartbeatSchedule }),
    ...(input.now === undefined ? {} : { now: input.now }),
  });
}
