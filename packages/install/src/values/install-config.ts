import { defaultValues, resolveValues, type Values } from '@skein/inject';
import { InstallValuesError } from '../errors.js';
import {
  type IdentityMaterial,
  type IdentityMaterialInput,
  resolveIdentityMaterial,
} from '../identity/identity-material.js';
import { generateWebhookCertificate, type WebhookCertificate } from '../identity/webhook-certificate.js';
import type { ControlPlaneValues, WebhookValues } from './control-plane-values.js';
import { mergeLayers } from './merge-layers.js';
import { readControlPlaneValues } from './read-control-plane-values.js';

/** What an installation is rendered from. */
export interface InstallInput {
  /** Raw Helm values layers, lowest precedence first (`--values` files, then `--set` trees). */
  readonly values?: readonly unknown[];
  /** Where each layer came from, for messages. */
  readonly sources?: readonly string[];
  /** Control-plane namespace. Default: `linkerd`. */
  readonly namespace?: string;
  /** Version of the control plane: the tag of every Skein image and `linkerdVersion`. */
  readonly version: string;
  /** Identity material given by flags (takes precedence over values). */
  readonly identity?: Omit<IdentityMaterialInput, 'namespace' | 'trustDomain' | 'now'>;
  /** Webhook certificates to keep (an upgrade keeps the installed ones); generated when absent. */
  readonly webhookCertificates?: {
    readonly proxyInjector?: WebhookCertificate;
    readonly profileValidator?: WebhookCertificate;
  };
  /** Clock (ms since the epoch): certificate validity and the heartbeat schedule. Default: now. */
  readonly now?: number;
  /** Heartbeat schedule to keep (an upgrade keeps the installed one) unless `heartbeatSchedule` is set. */
  readonly heartbeatSchedule?: string;
}

/** Everything the renderer needs, resolved and checked. */
export interface InstallConfig {
  /** Control-plane namespace. */
  readonly namespace: string;
  /** Control-plane version (image tag). */
  readonly version: string;
  /** The injector's values (proxy, proxy-init, identity anchors, …). */
  readonly values: Values;
  /** The rest of the chart's values. */
  readonly controlPlane: ControlPlaneValues;
  /** Identity trust domain (`identityTrustDomain`, else `clusterDomain`). */
  readonly trustDomain: string;
  /** Trust anchors and issuer. */
  readonly identity: IdentityMaterial;
  /** Serving certificates of the webhooks (absent with `externalSecret`). */
  readonly webhooks: {
    readonly proxyInjector: WebhookCertificate | undefined;
    readonly profileValidator: WebhookCertificate | undefined;
  };
  /** The merged raw values, as given (for `linkerd-config`). */
  readonly rawValues: Record<string, unknown>;
  /** When the config was resolved (ms since the epoch). */
  readonly createdAt: number;
  /** Cron schedule of the heartbeat: the value, else the kept one, else install time + 10 min (UTC). */
  readonly heartbeatSchedule: string;
  /** Unknown values that were ignored. */
  readonly warnings: readonly string[];
}

/** Linkerd's heartbeat schedule: daily, at the given time plus ten minutes (UTC). */
export function dailyScheduleAfter(time: number): string {
  const at = new Date(time + 10 * 60_000);
  return `${at.getUTCMinutes()} ${at.getUTCHours()} * * *`;
}

function sourceName(given: string | undefined, valuePath: string): string {
  return given === undefined ? valuePath : `${given} (or ${valuePath})`;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function webhookCertificate(
  path: string,
  values: WebhookValues,
  kept: WebhookCertificate | undefined,
  service: string,
  namespace: string,
  now: number,
): WebhookCertificate | undefined {
  if (values.externalSecret) {
    if (values.caBundle === '') {
      throw new InstallValuesError(
        `${path}.caBundle`,
        '',
        `the CA bundle of the external ${path} Secret (required with ${path}.externalSecret)`,
      );
    }
    return undefined;
  }
  if (values.crtPEM !== '' || values.keyPEM !== '') {
    if (values.crtPEM === '' || values.keyPEM === '') {
      throw new InstallValuesError(
        `${path}.${values.crtPEM === '' ? 'crtPEM' : 'keyPEM'}`,
        '',
        `a PEM value (${path}.crtPEM and ${path}.keyPEM go together)`,
      );
    }
    return {
      crtPEM: `${values.crtPEM}\n`,
      keyPEM: `${values.keyPEM}\n`,
      caBundle: `${values.caBundle || values.crtPEM}\n`,
    };
  }
  return kept ?? generateWebhookCertificate(service, namespace, { now });
}

/**
 * Resolves an installation: merges the values layers (Helm semantics), checks every known value,
 * sets the Skein images (`<skein.registry>/<app>:<version>`), and loads or generates the
 * identity material and the webhook certificates.
 *
 * @throws {InstallValuesError} or {@link InstallError} naming what is wrong.
 */
export function resolveInstallConfig(input: InstallInput): InstallConfig {
  const namespace = input.namespace ?? 'linkerd';
  if (!DNS_LABEL.test(namespace))
    throw new InstallValuesError('namespace', namespace, 'a namespace name (DNS-1123 label)');
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(input.version)) {
    throw new InstallValuesError(
      'version',
      input.version,
      'an image tag ([A-Za-z0-9_.-], at most 128 characters)',
    );
  }
  const layers = input.values ?? [];
  const rawValues = mergeLayers(layers);
  const controlPlane = readControlPlaneValues(rawValues);
  const base = defaultValues();
  base.linkerdVersion = input.version;
  base.proxy.image.name = `${controlPlane.skein.registry}/proxy`;
  const { values, warnings } = resolveValues(layers, base, input.sources);
  const trustDomain = values.identityTrustDomain || values.clusterDomain;
  const now = input.now ?? Date.now();
  const issuerTls = controlPlane.identity.issuer.tls;
  const identity = resolveIdentityMaterial({
    trustAnchorsPem: input.identity?.trustAnchorsPem ?? values.identityTrustAnchorsPEM,
    issuerCertificatePem: input.identity?.issuerCertificatePem ?? issuerTls.crtPEM,
    issuerKeyPem: input.identity?.issuerKeyPem ?? issuerTls.keyPEM,
    externalIssuer:
      input.identity?.externalIssuer === true || controlPlane.identity.issuer.scheme === 'kubernetes.io/tls',
    namespace,
    trustDomain,
    now,
    sources: {
      trustAnchors: sourceName(input.identity?.sources?.trustAnchors, 'identityTrustAnchorsPEM'),
      issuerCertificate: sourceName(input.identity?.sources?.issuerCertificate, 'identity.issuer.tls.crtPEM'),
      issuerKey: sourceName(input.identity?.sources?.issuerKey, 'identity.issuer.tls.keyPEM'),
    },
  });
  values.identityTrustAnchorsPEM = identity.trustAnchorsPem;
  return {
    namespace,
    version: input.version,
    values,
    controlPlane,
    trustDomain,
    identity,
    webhooks: {
      proxyInjector: webhookCertificate(
        'proxyInjector',
        controlPlane.proxyInjector,
        input.webhookCertificates?.proxyInjector,
        'linkerd-proxy-injector',
        namespace,
        now,
      ),
      profileValidator: webhookCertificate(
        'profileValidator',
        controlPlane.profileValidator,
        input.webhookCertificates?.profileValidator,
        'linkerd-sp-validator',
        namespace,
        now,
      ),
    },
    rawValues,
    createdAt: now,
    heartbeatSchedule: controlPlane.heartbeatSchedule || input.heartbeatSchedule || dailyScheduleAfter(now),
    warnings,
  };
}
