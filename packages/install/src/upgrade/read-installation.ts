import { parse } from 'yaml';
import type { ClusterReader } from '../cluster/cluster-reader.js';
import { InstallError, InstallErrorCode } from '../errors.js';
import type { WebhookCertificate } from '../identity/webhook-certificate.js';
import type { KubeObject } from '../render/kube-types.js';
import { ResourceName } from '../render/names.js';
import { isValuesTree, type ValuesTree } from '../values/merge-layers.js';

/** What an installed control plane keeps across upgrades. */
export interface Installation {
  /** The values the user gave at install (`linkerd-config-overrides`), without `linkerdVersion`. */
  readonly overrides: ValuesTree;
  /** The version recorded in `linkerd-config`. */
  readonly version: string | undefined;
  /** The trust anchors (PEM). */
  readonly trustAnchorsPem: string;
  /** The issuer certificate and key, unless the issuer is external. */
  readonly issuer: { readonly certificatePem: string; readonly keyPem: string } | undefined;
  /** The schedule of the installed heartbeat CronJob, kept so an upgrade does not move it. */
  readonly heartbeatSchedule: string | undefined;
  /** The webhooks' serving certificates, when their Secrets exist. */
  readonly webhookCertificates: { proxyInjector?: WebhookCertificate; profileValidator?: WebhookCertificate };
}

function data(o: KubeObject | undefined): Record<string, string> {
  return (o?.data as Record<string, string> | undefined) ?? {};
}

const b64 = (text: string | undefined) =>
  text === undefined ? undefined : Buffer.from(text, 'base64').toString('utf8');

async function webhookCertificate(
  cluster: ClusterReader,
  namespace: string,
  secretName: string,
  kind: 'MutatingWebhookConfiguration' | 'ValidatingWebhookConfiguration',
  configName: string,
): Promise<WebhookCertificate | undefined> {
  const secret = await cluster.get({ apiVersion: 'v1', kind: 'Secret', namespace, name: secretName });
  const hook = await cluster.get({ apiVersion: 'admissionregistration.k8s.io/v1', kind, name: configName });
  const crt = b64(data(secret)['tls.crt']);
  const key = b64(data(secret)['tls.key']);
  const ca = b64(
    (hook?.webhooks as { clientConfig?: { caBundle?: string } }[] | undefined)?.[0]?.clientConfig?.caBundle,
  );
  if (crt === undefined || key === undefined || ca === undefined || ca === '') return undefined;
  return { crtPEM: crt, keyPEM: key, caBundle: ca };
}

/**
 * Reads what `skein upgrade` preserves from a cluster: the user's values, the trust anchors, the
 * issuer and the webhook certificates.
 *
 * @throws {InstallError} (`ERR_SKEIN_INSTALL_CLUSTER`) when no installation is found in `namespace`.
 */
export async function readInstallation(cluster: ClusterReader, namespace: string): Promise<Installation> {
  const config = await cluster.get({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    namespace,
    name: ResourceName.config,
  });
  if (config === undefined) {
    throw new InstallError(
      InstallErrorCode.Cluster,
      `no Skein/Linkerd control plane in namespace ${namespace}: configmap ${ResourceName.config} not found (install first, or give -L)`,
    );
  }
  const stored = parse(data(config).values ?? '') as unknown;
  const version =
    isValuesTree(stored) && typeof stored.linkerdVersion === 'string' ? stored.linkerdVersion : undefined;
  const overridesSecret = await cluster.get({
    apiVersion: 'v1',
    kind: 'Secret',
    namespace,
    name: ResourceName.configOverrides,
  });
  const overridesText = b64(data(overridesSecret)[ResourceName.configOverrides]);
  const parsed = overridesText === undefined ? {} : (parse(overridesText) as unknown);
  const overrides: ValuesTree = isValuesTree(parsed) ? { ...parsed } : {};
  delete overrides.linkerdVersion;
  const roots = await cluster.get({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    namespace,
    name: ResourceName.trustRoots,
  });
  const trustAnchorsPem =
    data(roots)['ca-bundle.crt'] ??
    (isValuesTree(stored) && typeof stored.identityTrustAnchorsPEM === 'string'
      ? stored.identityTrustAnchorsPEM
      : '');
  const issuerSecret = await cluster.get({
    apiVersion: 'v1',
    kind: 'Secret',
    namespace,
    name: ResourceName.issuerSecret,
  });
  const crt = b64(data(issuerSecret)['crt.pem']);
  const key = b64(data(issuerSecret)['key.pem']);
  const cronJob = await cluster.get({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    namespace,
    name: ResourceName.heartbeat,
  });
  const schedule = (cronJob?.spec as { schedule?: string } | undefined)?.schedule;
  return {
    overrides,
    version,
    heartbeatSchedule: schedule,
    trustAnchorsPem,
    issuer: crt === undefined || key === undefined ? undefined : { certificatePem: crt, keyPem: key },
    webhookCertificates: {
      proxyInjector: await webhookCertificate(
        cluster,
        namespace,
        ResourceName.proxyInjectorSecret,
        'MutatingWebhookConfiguration',
        ResourceName.proxyInjectorWebhook,
      ),
      profileValidator: await webhookCertificate(
        cluster,
        namespace,
        ResourceName.spValidatorSecret,
        'ValidatingWebhookConfiguration',
        ResourceName.spValidatorWebhook,
      ),
    },
  };
}
