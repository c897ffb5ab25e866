import {
  AuthorizationV1Api,
  KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  VersionApi,
} from '@kubernetes/client-node';
import { InstallError, InstallErrorCode } from '../errors.js';
import type { KubeObject } from '../render/kube-types.js';

/** Which object to read: group/version, kind, name and (for namespaced kinds) namespace. */
export interface ObjectKey {
  /** `v1`, `apps/v1`, … */
  readonly apiVersion: string;
  /** Kind. */
  readonly kind: string;
  /** Name. */
  readonly name: string;
  /** Namespace (namespaced kinds only). */
  readonly namespace?: string;
}

/** The Kubernetes version, and the server's clock as seen in the response's `Date` header. */
export interface ServerVersion {
  /** `v1.31.2`. */
  readonly gitVersion: string;
  /** Major version (`1`). */
  readonly major: number;
  /** Minor version (`31`; a trailing `+` dropped). */
  readonly minor: number;
  /** The server's time (ms since the epoch), when the response carried a `Date` header. */
  readonly serverTime: number | undefined;
}

/** What an access review asks: may the current user do `verb` on `resource`? */
export interface AccessQuestion {
  /** Verb (`create`, `get`, …). */
  readonly verb: string;
  /** API group (`''` for core). */
  readonly group: string;
  /** Resource (plural). */
  readonly resource: string;
  /** Namespace, for namespaced resources. */
  readonly namespace?: string;
  /** One object, by name. */
  readonly name?: string;
}

/**
 * The reads `skein check`, `upgrade`, `uninstall` and the heartbeat make. Implemented over
 * @kubernetes/client-node by {@link kubeClusterReader}; a test or a tool can provide another.
 */
export interface ClusterReader {
  /** `GET /version`. */
  version(): Promise<ServerVersion>;
  /** Reads one object; `undefined` when it does not exist (404). */
  get(key: ObjectKey): Promise<KubeObject | undefined>;
  /** Lists objects of a kind, optionally in one namespace and by label selector. */
  list(
    apiVersion: string,
    kind: string,
    options?: { namespace?: string; labelSelector?: string },
  ): Promise<KubeObject[]>;
  /** A SelfSubjectAccessReview. */
  canI(question: AccessQuestion): Promise<{ allowed: boolean; reason: string }>;
}

/** Options of {@link loadKubeConfig}. */
export interface KubeConfigOptions {
  /** A kubeconfig file; default: `$KUBECONFIG`, `~/.kube/config`, or in-cluster (client-node's rules). */
  readonly kubeconfig?: string;
  /** A context to use instead of the current one. */
  readonly context?: string;
}

/**
 * Loads a kubeconfig as kubectl does.
 * @throws {InstallError} (`ERR_SKEIN_INSTALL_CLUSTER`) when the file or context cannot be used.
 */
export function loadKubeConfig(options: KubeConfigOptions = {}): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (options.kubeconfig === undefined) kc.loadFromDefault();
    else kc.loadFromFile(options.kubeconfig);
  } catch (err) {
    throw new InstallError(
      InstallErrorCode.Cluster,
      `cannot load kubeconfig ${options.kubeconfig ?? '(default)'}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  if (options.context !== undefined) {
    if (kc.getContextObject(options.context) === null) {
      throw new InstallError(
        InstallErrorCode.Cluster,
        `context "${options.context}" is not in the kubeconfig (contexts: ${
          kc
            .getContexts()
            .map((c) => c.name)
            .join(', ') || 'none'
        })`,
      );
    }
    kc.setCurrentContext(options.context);
  }
  if (kc.getCurrentCluster() === null) {
    throw new InstallError(InstallErrorCode.Cluster, 'the kubeconfig has no current cluster');
  }
  return kc;
}

function statusOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** Turns client-node's typed models (Dates, class instances) back into plain JSON objects. */
function plain<T>(value: T): KubeObject {
  return JSON.parse(JSON.stringify(value)) as KubeObject;
}

/** A {@link ClusterReader} over a kubeconfig, with @kubernetes/client-node. */
export function kubeClusterReader(kc: KubeConfig): ClusterReader {
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const versions = kc.makeApiClient(VersionApi);
  const authorization = kc.makeApiClient(AuthorizationV1Api);
  return {
    async version() {
      const res = await versions.getCodeWithHttpInfo();
      const date = res.headers.date;
      const minor = Number.parseInt(res.data.minor, 10);
      return {
        gitVersion: res.data.gitVersion,
        major: Number.parseInt(res.data.major, 10),
        minor,
        serverTime: date === undefined ? undefined : Date.parse(date),
      };
    },
    async get(key) {
      try {
        const header = {
          apiVersion: key.apiVersion,
          kind: key.kind,
          metadata: { name: key.name, ...(key.namespace === undefined ? {} : { namespace: key.namespace }) },
        };
        return plain(await objects.read(header as KubernetesObject & { metadata: { name: string } }));
      } catch (err) {
        if (statusOf(err) === 404) return undefined;
        throw err;
      }
    },
    async list(apiVersion, kind, options = {}) {
      const res = await objects.list(
        apiVersion,
        kind,
        options.namespace,
        undefined,
        undefined,
        undefined,
        undefined,
        options.labelSelector,
      );
      return res.items.map((item) => ({ apiVersion, kind, ...plain(item) }));
    },
    async canI(q) {
      const review = await authorization.createSelfSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: {
            resourceAttributes: {
              verb: q.verb,
              group: q.group,
              resource: q.resource,
              ...(q.namespace === undefined ? {} : { namespace: q.namespace }),
              ...(q.name === undefined ? {} : { name: q.name }),
            },
          },
        },
      });
      return { allowed: review.status?.allowed === true, reason: review.status?.reason ?? '' };
    },
  };
}
