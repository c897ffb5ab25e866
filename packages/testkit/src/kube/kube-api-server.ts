import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '@skein/core';
import { type CertificatePair, selfSignedCertificate } from '../tls/self-signed-cert.js';
import { AccessRules } from './access-rules.js';
import { AdmissionChain, type WebhookServiceResolver } from './admission-chain.js';
import type { ApiContext } from './api-context.js';
import { defaultVersionInfo, type KubeVersionInfo } from './discovery.js';
import { KubeAuth } from './kube-auth.js';
import { KubeFaults } from './kube-faults.js';
import { KubeStore } from './kube-store.js';
import { type KubeConfigOptions, kubeConfigOptions, kubeconfigText } from './kubeconfig.js';
import { linkerdCrds } from './linkerd-crds.js';
import { ObjectStore } from './object-store.js';
import { handleRequest } from './request-handler.js';
import { RequestLog } from './request-log.js';
import { ResourceOperations } from './resource-operations.js';
import { ResourceRegistry } from './resource-registry.js';
import { TokenRegistry } from './token-registry.js';
import { WatchHub } from './watch-hub.js';
import type { WatchInfo } from './watch-session.js';

/** Options of {@link startKubeApiServer}. */
export interface KubeApiServerOptions {
  /** Serve HTTPS: `true` for a fresh self-signed certificate (for 127.0.0.1 and localhost), or a given pair. */
  tls?: boolean | CertificatePair;
  /** Refuse requests without a registered bearer token (401). Default: false. */
  requireToken?: boolean;
  /** The token of the admin user (`kubernetes-admin`, group `system:masters`) put in the kubeconfig. Default: random. */
  adminToken?: string;
  /** The API server's audiences (for legacy tokens and reviews without audiences). */
  apiAudiences?: string[];
  /** Check every request against the access rules of `auth` (403 when not allowed). Default: false. */
  enforceAccessRules?: boolean;
  /** Create Linkerd's CRDs at start (see `linkerdCrds()`). Default: false. */
  preloadLinkerdCrds?: boolean;
  /** Changes kept for watch replay and consistent paging; older resourceVersions get 410. Default: 1000. */
  historyLimit?: number;
  /** Interval of BOOKMARK events on watches that allow them. Default: 1000 ms. */
  bookmarkIntervalMs?: number;
  /**
   * Where webhooks configured with `clientConfig.service` are reached (their `url` webhooks need
   * nothing): e.g. `() => 'https://127.0.0.1:' + injectorPort`. TLS is still verified against
   * the webhook's caBundle for the name `<service>.<namespace>.svc`.
   */
  resolveWebhookService?: WebhookServiceResolver;
  /** Fields of `/version` to override. */
  version?: Partial<KubeVersionInfo>;
}

/** A running test API server. */
export interface KubeApiServer {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** Kubeconfig file text (JSON, valid YAML) for `KubeConfig.loadFromString`, kubectl, or apps under test. */
  readonly kubeconfig: string;
  /** The same configuration for `KubeConfig.loadFromOptions`. */
  readonly kubeConfigOptions: KubeConfigOptions;
  /** The server certificate (PEM) when serving HTTPS: the CA clients must trust. */
  readonly caPem: string | undefined;
  /** The admin user's bearer token (in the kubeconfig). */
  readonly adminToken: string;
  /** The objects: seed and inspect without a client. */
  readonly store: KubeStore;
  /** Tokens (auth, TokenReview) and access rules (SubjectAccessReview). */
  readonly auth: KubeAuth;
  /** Fault injection: dropped watches, failing requests, compaction, latency. */
  readonly faults: KubeFaults;
  /** Every request received, for assertions such as "one watch per resource". */
  readonly requests: RequestLog;
  /** The watches open right now. */
  watches(): WatchInfo[];
  /** Ends every watch and connection and stops listening. */
  close(): Promise<void>;
}

function checkPositiveInteger(name: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 1))
    throw new ConfigError(name, String(value), 'a positive integer');
}

/**
 * Starts a Kubernetes API server for tests on 127.0.0.1 (an ephemeral port), speaking the real
 * REST and watch wire format, with the namespaces `default`, `kube-system`, `kube-public` and
 * `kube-node-lease`.
 *
 * @example
 * ```ts
 * const server = await startKubeApiServer();
 * const kc = new KubeConfig();
 * kc.loadFromString(server.kubeconfig);
 * const core = kc.makeApiClient(CoreV1Api);
 * await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'x' } } });
 * await server.close();
 * ```
 */
export async function startKubeApiServer(options: KubeApiServerOptions = {}): Promise<KubeApiServer> {
  checkPositiveInteger('historyLimit', options.historyLimit);
  checkPositiveInteger('bookmarkIntervalMs', options.bookmarkIntervalMs);
  const registry = new ResourceRegistry();
  const store = new ObjectStore({ historyLimit: options.historyLimit ?? 1000 });
  const ops = new ResourceOperations(store, registry);
  const hub = new WatchHub(store, { bookmarkIntervalMs: options.bookmarkIntervalMs ?? 1000 });
  const kubeStore = new KubeStore(store, ops, registry);
  const tokens = new TokenRegistry(
    options.apiAudiences ?? ['https://kubernetes.default.svc.cluster.local'],
    (ns, name) => {
      return store.get('/serviceaccounts', ns, name)?.metadata.uid;
    },
  );
  const rules = new AccessRules();
  const auth = new KubeAuth(tokens, rules);
  const faults = new KubeFaults(hub, store);
  const requests = new RequestLog();
  const adminToken = options.adminToken ?? randomBytes(24).toString('base64url');
  auth.addToken(adminToken, {
    username: 'kubernetes-admin',
    groups: ['system:masters', 'system:authenticated'],
  });

  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    kubeStore.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
  if (options.preloadLinkerdCrds) for (const crd of linkerdCrds()) kubeStore.create(crd);

  const ctx: ApiContext = {
    registry,
    store,
    ops,
    hub,
    tokens,
    rules,
    faults,
    admission: new AdmissionChain(store, options.resolveWebhookService),
    enforceAccessRules: options.enforceAccessRules === true,
  };
  const pair =
    options.tls === true ? selfSignedCertificate() : options.tls === false ? undefined : options.tls;
  let address = '';
  const handlerOptions = {
    ctx,
    log: requests,
    version: { ...defaultVersionInfo(), ...options.version },
    requireToken: options.requireToken === true,
    address: () => address,
  };
  const listener = (req: Parameters<typeof handleRequest>[1], res: Parameters<typeof handleRequest>[2]) => {
    void handleRequest(handlerOptions, req, res);
  };
  let server: Server;
  try {
    server = pair === undefined ? createHttpServer(listener) : createHttpsServer(pair, listener);
  } catch (e) {
    throw new ConfigError('tls', '<certificate pair>', 'a PEM certificate and its matching PEM private key', {
      cause: e,
    });
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  address = `127.0.0.1:${port}`;
  const url = `${pair === undefined ? 'http' : 'https'}://${address}`;
  const configOptions = kubeConfigOptions(url, pair?.cert, adminToken);
  let closed: Promise<void> | undefined;
  return {
    url,
    kubeconfig: kubeconfigText(configOptions),
    kubeConfigOptions: configOptions,
    caPem: pair?.cert,
    adminToken,
    store: kubeStore,
    auth,
    faults,
    requests,
    watches: () => hub.sessions().map((s) => ({ ...s.info })),
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        hub.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
