import { readFile } from 'node:fs/promises';
import { INJECT_FLAGS, parseSetArguments } from '@skein/inject';
import type { InstallInput } from '@skein/install';
import { type Command, Option } from 'commander';
import { readSetFiles, readValuesFiles } from '../values-files.js';
import { addProxyFlags, BOOLEAN_PROXY_FLAGS, givenProxyFlags } from './proxy-flags.js';

/** Flags of `install` and `upgrade` that turn into Helm values, with Linkerd's names. */
export interface InstallValueFlags extends Record<string, unknown> {
  values: string[];
  set: string[];
  setFile: string[];
  ha?: boolean;
  controllerReplicas?: string;
  controllerLogLevel?: string;
  controllerUid?: string;
  disableHeartbeat?: boolean;
  heartbeatUrl?: string;
  disableH2Upgrade?: boolean;
  identityTrustDomain?: string;
  clusterDomain?: string;
  identityIssuanceLifetime?: string;
  identityClockSkewAllowance?: string;
  identityExternalIssuer?: boolean;
  identityExternalCa?: boolean;
  linkerdCniEnabled?: boolean;
  registry?: string;
  controlPlaneVersion?: string;
  identityTrustAnchorsFile?: string;
  identityIssuerCertificateFile?: string;
  identityIssuerKeyFile?: string;
}

/** Boolean flags of install/upgrade, for `--flag=true|false`. */
export const BOOLEAN_INSTALL_FLAGS: readonly string[] = [
  ...BOOLEAN_PROXY_FLAGS,
  'ha',
  'disable-heartbeat',
  'disable-h2-upgrade',
  'identity-external-issuer',
  'identity-external-ca',
  'linkerd-cni-enabled',
  'ignore-cluster',
];

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Adds the values flags (`--values`, `--set`, Linkerd's install flags, the proxy flags). */
export function addInstallValueFlags(command: Command): Command {
  command
    .option('--values <file>', 'Helm values file (repeatable)', collect, [])
    .option('--set <path=value>', 'Helm-style value, e.g. controllerLogLevel=debug (repeatable)', collect, [])
    .option('--set-file <path=file>', 'set a value to the contents of a file (repeatable)', collect, [])
    .option('--ha', 'high availability: 3 replicas, anti-affinity and disruption budgets')
    .option('--controller-replicas <n>', 'replicas of each control-plane Deployment')
    .option('--controller-log-level <level>', 'log level of the control-plane components')
    .option('--controller-uid <uid>', 'user id of the control-plane containers')
    .option('--disable-heartbeat', 'do not render the heartbeat CronJob')
    .option('--heartbeat-url <url>', 'where the heartbeat sends its report (skein.heartbeat.url)')
    .option('--disable-h2-upgrade', 'do not let proxies upgrade HTTP/1 to HTTP/2 between them')
    .option('--identity-trust-domain <domain>', 'trust domain of the mesh identities')
    .option('--cluster-domain <domain>', 'DNS domain of the cluster')
    .option('--identity-issuance-lifetime <duration>', 'lifetime of workload certificates (Go duration)')
    .option('--identity-clock-skew-allowance <duration>', 'clock skew allowed on workload certificates')
    .option(
      '--identity-external-issuer',
      'the issuer Secret (kubernetes.io/tls) is managed outside (cert-manager)',
    )
    .option('--identity-external-ca', 'the trust roots ConfigMap is managed outside')
    .option('--linkerd-cni-enabled', 'the CNI plugin sets up iptables: no init container')
    .option('--registry <registry>', 'registry of the Skein images (<registry>/<app>:<version>)')
    .option('--control-plane-version <tag>', 'tag of the control-plane images (default: this CLI version)')
    .option(
      '--identity-trust-anchors-file <file>',
      'trust anchors (PEM); generated with the issuer when absent',
    )
    .option('--identity-issuer-certificate-file <file>', 'issuer certificate (PEM)')
    .option('--identity-issuer-key-file <file>', 'issuer key (PEM)');
  for (const name of BOOLEAN_INSTALL_FLAGS.filter((n) => !BOOLEAN_PROXY_FLAGS.includes(n))) {
    command.addOption(new Option(`--no-${name}`).hideHelp());
  }
  return addProxyFlags(command);
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

/** The values layer the Linkerd-style flags stand for. */
function flagsLayer(o: InstallValueFlags, warn: (message: string) => void): Record<string, unknown> {
  const layer: Record<string, unknown> = {};
  const set = (path: string, value: unknown) => {
    if (value !== undefined) setPath(layer, path, value);
  };
  if (o.ha === true) {
    set('controllerReplicas', 3);
    set('enablePodAntiAffinity', true);
    set('enablePodDisruptionBudget', true);
  }
  set('controllerReplicas', o.controllerReplicas);
  set('controllerLogLevel', o.controllerLogLevel);
  set('controllerUID', o.controllerUid);
  set('disableHeartBeat', o.disableHeartbeat);
  set('skein.heartbeat.url', o.heartbeatUrl);
  set('enableH2Upgrade', o.disableH2Upgrade === undefined ? undefined : !o.disableH2Upgrade);
  set('identityTrustDomain', o.identityTrustDomain);
  set('clusterDomain', o.clusterDomain);
  set('identity.issuer.issuanceLifetime', o.identityIssuanceLifetime);
  set('identity.issuer.clockSkewAllowance', o.identityClockSkewAllowance);
  if (o.identityExternalIssuer === true) set('identity.issuer.scheme', 'kubernetes.io/tls');
  set('identity.externalCA', o.identityExternalCa);
  set('cniEnabled', o.linkerdCniEnabled);
  set('skein.registry', o.registry);
  for (const [name, value] of Object.entries(givenProxyFlags(o))) {
    const flag = INJECT_FLAGS.find((f) => f.name === name);
    if (flag?.path === undefined) warn(`--${name} only applies to skein inject; ignored`);
    else set(flag.path, value);
  }
  return layer;
}

async function readPem(file: string | undefined, flag: string): Promise<string | undefined> {
  if (file === undefined) return undefined;
  try {
    return await readFile(file, 'utf8');
  } catch (cause) {
    throw new Error(
      `cannot read ${flag} ${file}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`,
      {
        cause,
      },
    );
  }
}

/** What the flags of install/upgrade resolve to: values layers in precedence order, and identity files. */
export async function installInputFromFlags(
  o: InstallValueFlags,
  warn: (message: string) => void,
): Promise<{ values: unknown[]; sources: string[]; identity: InstallInput['identity'] }> {
  const files = await readValuesFiles(o.values);
  const setFiles = await readSetFiles(o.setFile);
  const values = [...files, flagsLayer(o, warn), ...setFiles, parseSetArguments(o.set)];
  const sources = [...o.values, 'flags', ...o.setFile.map((f) => `--set-file ${f}`), '--set'];
  const trustAnchorsPem = await readPem(o.identityTrustAnchorsFile, '--identity-trust-anchors-file');
  const issuerCertificatePem = await readPem(
    o.identityIssuerCertificateFile,
    '--identity-issuer-certificate-file',
  );
  const issuerKeyPem = await readPem(o.identityIssuerKeyFile, '--identity-issuer-key-file');
  const identity: InstallInput['identity'] = {
    ...(trustAnchorsPem === undefined ? {} : { trustAnchorsPem }),
    ...(issuerCertificatePem === undefined ? {} : { issuerCertificatePem }),
    ...(issuerKeyPem === undefined ? {} : { issuerKeyPem }),
    ...(o.identityExternalIssuer === true ? { externalIssuer: true } : {}),
    sources: {
      trustAnchors: `--identity-trust-anchors-file ${o.identityTrustAnchorsFile ?? ''}`.trim(),
      issuerCertificate: `--identity-issuer-certificate-file ${o.identityIssuerCertificateFile ?? ''}`.trim(),
      issuerKey: `--identity-issuer-key-file ${o.identityIssuerKeyFile ?? ''}`.trim(),
    },
  };
  return { values, sources, identity };
}

/** Cluster flags of check/upgrade/uninstall. */
export interface ClusterFlags {
  kubeconfig?: string;
  context?: string;
  linkerdNamespace: string;
}

/** Adds `--kubeconfig`, `--context` and `-L/--linkerd-namespace`. */
export function addClusterFlags(command: Command): Command {
  return command
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context to use')
    .option(
      '-L, --linkerd-namespace <namespace>',
      'namespace of the control plane',
      process.env.LINKERD_NAMESPACE ?? 'linkerd',
    );
}
