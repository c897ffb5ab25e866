import { credentials } from '@grpc/grpc-js';
import { CoreV1Api, CustomObjectsApi, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { createLogger } from '@skein/core';
import { InboundServerPoliciesClient, type inbound } from '@skein/core/proto';
import { type KubeApiServer, startKubeApiServer } from '@skein/testkit';
import { Registry } from 'prom-client';
import {
  KubePolicyBackend,
  KubePolicyCluster,
  type PolicySettingsInput,
  type RunningPolicyServer,
  servePolicy,
} from '../../../src/server/index.js';
import { StreamRecorder } from '../../support/stream-recorder.js';
import { type DescribedPolicy, describeServer } from './policy-describe.js';

/** A test API server with Linkerd's CRDs, the policy server on it, and clients of both. */
export interface PolicyEnv {
  api: KubeApiServer;
  core: CoreV1Api;
  custom: CustomObjectsApi;
  cluster: KubePolicyCluster;
  registry: Registry;
  /** JSON log lines of the cluster, backend and server (level info and above). */
  logs: string[];
  server: RunningPolicyServer;
  grpc: InboundServerPoliciesClient;
  /** Opens `WatchPort` and records the messages, described. */
  watch(workload: string, port: number): StreamRecorder<inbound.Server, DescribedPolicy>;
  /** Creates, replaces or deletes a `policy.linkerd.io` resource through the API. */
  apply(plural: string, body: PolicyObject): Promise<void>;
  remove(plural: string, namespace: string, name: string): Promise<void>;
  close(): Promise<void>;
}

/** A policy resource as sent to the API. */
export interface PolicyObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; labels?: Record<string, string> };
  spec: Record<string, unknown>;
}

const VERSIONS: Record<string, string> = {
  servers: 'v1beta3',
  serverauthorizations: 'v1beta1',
  authorizationpolicies: 'v1alpha1',
  meshtlsauthentications: 'v1alpha1',
  networkauthentications: 'v1alpha1',
};

/** A policy resource of `kind` (apiVersion from the kind's plural). */
export function resource(
  plural: string,
  kind: string,
  namespace: string,
  name: string,
  spec: Record<string, unknown>,
  labels?: Record<string, string>,
): PolicyObject {
  return {
    apiVersion: `policy.linkerd.io/${VERSIONS[plural]}`,
    kind,
    metadata: { name, namespace, ...(labels === undefined ? {} : { labels }) },
    spec,
  };
}

/** A pod with containers' named ports and HTTP readiness probes, and annotations. */
export function policyTestPod(
  namespace: string,
  name: string,
  options: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    containers?: Array<{
      ports?: Array<{ name?: string; port: number; protocol?: string }>;
      readyPath?: [string | number, string];
    }>;
  } = {},
): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      labels: options.labels ?? {},
      ...(options.annotations === undefined ? {} : { annotations: options.annotations }),
    },
    spec: {
      containers: (options.containers ?? [{}]).map((c, i) => ({
        name: `c${i}`,
        image: 'app',
        ports: (c.ports ?? []).map((p) => ({
          containerPort: p.port,
          ...(p.name === undefined ? {} : { name: p.name }),
          protocol: p.protocol ?? 'TCP',
        })),
        ...(c.readyPath === undefined
          ? {}
          : {
              readinessProbe: { httpGet: { port: c.readyPath[0], path: c.readyPath[1] }, periodSeconds: 5 },
            }),
      })),
    },
  } as V1Pod;
}

/** Starts everything; namespaces `shop` and `other` exist. */
export async function startPolicyEnv(settings: PolicySettingsInput = {}): Promise<PolicyEnv> {
  const api = await startKubeApiServer({ preloadLinkerdCrds: true, bookmarkIntervalMs: 60_000 });
  const kc = new KubeConfig();
  kc.loadFromString(api.kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  for (const name of ['shop', 'other']) await core.createNamespace({ body: { metadata: { name } } });
  const registry = new Registry();
  const logs: string[] = [];
  const logger = createLogger({
    format: 'json',
    filter: 'info',
    destination: { write: (line) => logs.push(line) },
  });
  const cluster = new KubePolicyCluster({
    kubeConfig: kc,
    registry,
    logger,
    backoff: { minMs: 20, maxMs: 200 },
  });
  await cluster.ready();
  const backend = new KubePolicyBackend({ cluster, settings, logger });
  const server = await servePolicy({ backend, address: '127.0.0.1:0', registry, logger });
  const grpc = new InboundServerPoliciesClient(`127.0.0.1:${server.port}`, credentials.createInsecure());
  const recorders: Array<{ cancel(): void }> = [];
  return {
    api,
    core,
    custom,
    cluster,
    registry,
    logs,
    server,
    grpc,
    watch(workload, port) {
      const r = new StreamRecorder(grpc.watchPort({ workload, port }), (m: inbound.Server) => {
        const { labelsMatchMetadata, ...d } = describeServer(m);
        if (!labelsMatchMetadata) throw new Error('authorization labels differ from metadata');
        return d;
      });
      recorders.push(r);
      return r;
    },
    async apply(plural, body) {
      const args = {
        group: 'policy.linkerd.io',
        version: VERSIONS[plural]!,
        namespace: body.metadata.namespace,
        plural,
      };
      try {
        const existing = (await custom.getNamespacedCustomObject({ ...args, name: body.metadata.name })) as {
          metadata: { resourceVersion: string };
        };
        await custom.replaceNamespacedCustomObject({
          ...args,
          name: body.metadata.name,
          body: {
            ...body,
            metadata: { ...body.metadata, resourceVersion: existing.metadata.resourceVersion },
          },
        });
      } catch (err) {
        if ((err as { code?: number }).code !== 404) throw err;
        await custom.createNamespacedCustomObject({ ...args, body });
      }
    },
    async remove(plural, namespace, name) {
      await custom.deleteNamespacedCustomObject({
        group: 'policy.linkerd.io',
        version: VERSIONS[plural]!,
        namespace,
        plural,
        name,
      });
    },
    async close() {
      for (const r of recorders) r.cancel();
      grpc.close();
      await server.close(500);
      cluster.stop();
      await api.close();
    },
  };
}
