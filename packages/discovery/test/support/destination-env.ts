import { credentials } from '@grpc/grpc-js';
import { CoreV1Api, CustomObjectsApi, DiscoveryV1Api, KubeConfig } from '@kubernetes/client-node';
import {
  DestinationClient as DestinationGrpcClient,
  type destination,
  durationToMillis,
  tcpAddressToString,
} from '@skein/core/proto';
import { type KubeApiServer, startKubeApiServer } from '@skein/testkit';
import { Registry } from 'prom-client';
import {
  KubeCluster,
  KubeDestinationBackend,
  type MeshSettingsInput,
  type RunningDestinationServer,
  serveDestination,
} from '../../src/server/index.js';
import { StreamRecorder } from './stream-recorder.js';

/** A test API server, the destination server on top of it, and clients of both. */
export interface DestinationEnv {
  api: KubeApiServer;
  kc: KubeConfig;
  core: CoreV1Api;
  discovery: DiscoveryV1Api;
  custom: CustomObjectsApi;
  cluster: KubeCluster;
  registry: Registry;
  server: RunningDestinationServer;
  grpc: DestinationGrpcClient;
  /** Opens `Get(path)` and records readable updates. */
  get(path: string, contextToken?: string): StreamRecorder<destination.Update, DescribedUpdate>;
  /** Opens `GetProfile(path)` and records the profiles as plain JSON. */
  getProfile(
    path: string,
    contextToken?: string,
  ): StreamRecorder<destination.DestinationProfile, Record<string, unknown>>;
  close(): Promise<void>;
}

/** A WeightedAddr, readable. */
export interface DescribedAddr {
  addr: string;
  weight: number;
  labels: Record<string, string>;
  identity?: string;
  serverName?: string;
  hint?: 'h2' | 'opaque';
  opaqueTransport?: number;
  http2?: { intervalMs: number; timeoutMs: number; whileIdle: boolean };
}

/** An Update, readable. */
export type DescribedUpdate =
  | { add: DescribedAddr[]; labels: Record<string, string> }
  | { remove: string[] }
  | { noEndpoints: { exists: boolean } };

/** Describes a WeightedAddr with only the fields that are set. */
export function describeAddr(a: destination.WeightedAddr.$Properties): DescribedAddr {
  const out: DescribedAddr = {
    addr: tcpAddressToString(a.addr!),
    weight: a.weight ?? 0,
    labels: { ...a.metricLabels },
  };
  if (a.tlsIdentity?.dnsLikeIdentity?.name) {
    out.identity = a.tlsIdentity.dnsLikeIdentity.name;
    out.serverName = a.tlsIdentity.serverName?.name ?? '';
  }
  if (a.protocolHint?.h2 != null) out.hint = 'h2';
  if (a.protocolHint?.opaque != null) out.hint = 'opaque';
  if (a.protocolHint?.opaqueTransport != null)
    out.opaqueTransport = a.protocolHint.opaqueTransport.inboundPort ?? 0;
  const ka = a.http2?.keepAlive;
  if (ka != null) {
    out.http2 = {
      intervalMs: durationToMillis(ka.interval ?? {}),
      timeoutMs: durationToMillis(ka.timeout ?? {}),
      whileIdle: ka.whileIdle === true,
    };
  }
  return out;
}

/** Describes an Update. */
export function describeUpdate(u: destination.Update): DescribedUpdate {
  if (u.add != null) return { add: (u.add.addrs ?? []).map(describeAddr), labels: { ...u.add.metricLabels } };
  if (u.remove != null) return { remove: (u.remove.addrs ?? []).map((a) => tcpAddressToString(a)) };
  return { noEndpoints: { exists: u.noEndpoints?.exists === true } };
}

/** A DestinationProfile as plain JSON, with the endpoint described and the float ratio rounded. */
export function describeProfile(p: destination.DestinationProfile): Record<string, unknown> {
  const json = JSON.parse(JSON.stringify(p)) as Record<string, unknown> & {
    retryBudget?: { retryRatio?: number };
  };
  if (p.endpoint != null) json.endpoint = describeAddr(p.endpoint);
  if (json.retryBudget?.retryRatio !== undefined) {
    json.retryBudget.retryRatio = Math.round(json.retryBudget.retryRatio * 1e6) / 1e6;
  }
  return json;
}

/** Starts everything; namespaces `ns` and `client-ns` exist. */
export async function startDestinationEnv(settings: MeshSettingsInput = {}): Promise<DestinationEnv> {
  const api = await startKubeApiServer({ preloadLinkerdCrds: true, bookmarkIntervalMs: 60_000 });
  const kc = new KubeConfig();
  kc.loadFromString(api.kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  for (const name of ['ns', 'client-ns']) await core.createNamespace({ body: { metadata: { name } } });
  const registry = new Registry();
  const cluster = new KubeCluster({ kubeConfig: kc, registry, backoff: { minMs: 20, maxMs: 200 } });
  await cluster.ready();
  const backend = new KubeDestinationBackend({
    cluster,
    settings: { clusterDomain: 'cluster.local', ...settings },
  });
  const server = await serveDestination({ backend, address: '127.0.0.1:0', registry });
  const grpc = new DestinationGrpcClient(`127.0.0.1:${server.port}`, credentials.createInsecure());
  const recorders: Array<{ cancel(): void }> = [];
  return {
    api,
    kc,
    core,
    discovery: kc.makeApiClient(DiscoveryV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
    cluster,
    registry,
    server,
    grpc,
    get(path, contextToken = '') {
      const r = new StreamRecorder(grpc.get({ path, contextToken }), describeUpdate);
      recorders.push(r);
      return r;
    },
    getProfile(path, contextToken = '') {
      const r = new StreamRecorder(grpc.getProfile({ path, contextToken }), describeProfile);
      recorders.push(r);
      return r;
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
