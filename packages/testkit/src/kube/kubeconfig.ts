/** A cluster entry as `KubeConfig.loadFromOptions` takes it. */
export interface KubeConfigCluster {
  name: string;
  server: string;
  /** Base64 of the PEM CA bundle (HTTPS). */
  caData?: string;
  /** Required by @kubernetes/client-node for plain `http://` servers. */
  skipTLSVerify: boolean;
}

/** A user entry as `KubeConfig.loadFromOptions` takes it. */
export interface KubeConfigUser {
  name: string;
  token?: string;
}

/** A context entry as `KubeConfig.loadFromOptions` takes it. */
export interface KubeConfigContext {
  name: string;
  cluster: string;
  user: string;
  namespace?: string;
}

/**
 * The plain object `new KubeConfig().loadFromOptions(...)` accepts (so this package needs no
 * dependency on the client).
 */
export interface KubeConfigOptions {
  clusters: KubeConfigCluster[];
  users: KubeConfigUser[];
  contexts: KubeConfigContext[];
  currentContext: string;
}

/** Builds the options object for a server URL, optional CA and optional bearer token. */
export function kubeConfigOptions(
  server: string,
  caPem: string | undefined,
  token: string | undefined,
): KubeConfigOptions {
  const cluster: KubeConfigCluster = {
    name: 'skein-testkit',
    server,
    skipTLSVerify: caPem === undefined,
    ...(caPem === undefined ? {} : { caData: Buffer.from(caPem).toString('base64') }),
  };
  return {
    clusters: [cluster],
    users: [{ name: 'skein-testkit-admin', ...(token === undefined ? {} : { token }) }],
    contexts: [
      { name: 'skein-testkit', cluster: 'skein-testkit', user: 'skein-testkit-admin', namespace: 'default' },
    ],
    currentContext: 'skein-testkit',
  };
}

/**
 * The same configuration as kubeconfig file text (JSON, which is valid YAML): for
 * `KubeConfig.loadFromString`, or written to a file for `kubectl --kubeconfig` and for apps
 * under test that read `KUBECONFIG`.
 */
export function kubeconfigText(options: KubeConfigOptions): string {
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: options.clusters.map((c) => ({
      name: c.name,
      cluster: {
        server: c.server,
        ...(c.caData === undefined ? {} : { 'certificate-authority-data': c.caData }),
        ...(c.skipTLSVerify ? { 'insecure-skip-tls-verify': true } : {}),
      },
    })),
    users: options.users.map((u) => ({
      name: u.name,
      user: u.token === undefined ? {} : { token: u.token },
    })),
    contexts: options.contexts.map((c) => ({
      name: c.name,
      context: {
        cluster: c.cluster,
        user: c.user,
        ...(c.namespace === undefined ? {} : { namespace: c.namespace }),
      },
    })),
    'current-context': options.currentContext,
    preferences: {},
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
