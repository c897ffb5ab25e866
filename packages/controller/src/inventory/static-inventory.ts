import type { StaticDiscovery } from '@skein/discovery';
import { parse as parseYaml } from 'yaml';
import { InventoryError } from '../errors.js';
import {
  type Inventory,
  type PodInfo,
  type PodProxy,
  type ProfileInfo,
  type ServiceInfo,
  WORKLOAD_KINDS,
  type WorkloadKind,
} from './inventory.js';
import { compileLabelSelector } from './label-selector.js';

/** What a {@link StaticInventory} is built from. */
export interface StaticInventoryData {
  /** Pods. */
  readonly pods: readonly PodInfo[];
  /** Services. */
  readonly services: readonly ServiceInfo[];
  /** ServiceProfiles. */
  readonly profiles?: readonly ProfileInfo[];
}

/** An inventory from fixed data: a file written by a local mesh, a static discovery file, or code. */
export class StaticInventory implements Inventory {
  readonly #data: StaticInventoryData;

  constructor(data: StaticInventoryData) {
    this.#data = data;
  }

  namespaces(): Promise<string[]> {
    const all = new Set([
      ...this.#data.pods.map((p) => p.namespace),
      ...this.#data.services.map((s) => s.namespace),
    ]);
    return Promise.resolve([...all].sort());
  }

  pods(namespace?: string): Promise<PodInfo[]> {
    return Promise.resolve(
      this.#data.pods.filter((p) => namespace === undefined || p.namespace === namespace),
    );
  }

  services(namespace?: string): Promise<ServiceInfo[]> {
    return Promise.resolve(
      this.#data.services.filter((s) => namespace === undefined || s.namespace === namespace),
    );
  }

  profiles(namespace?: string): Promise<ProfileInfo[]> {
    return Promise.resolve(
      (this.#data.profiles ?? []).filter((p) => namespace === undefined || p.namespace === namespace),
    );
  }
}

type Obj = Record<string, unknown>;

function fail(source: string, field: string, value: unknown, expected: string): never {
  throw new InventoryError(
    `${source}: ${field}: expected ${expected}, got ${JSON.stringify(value) ?? String(value)}`,
  );
}

function str(o: Obj, key: string, at: string, source: string, fallback?: string): string {
  const v = o[key];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'string' || v === '') fail(source, `${at}.${key}`, v, 'a non-empty string');
  return v;
}

function labels(v: unknown, at: string, source: string): Record<string, string> {
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    fail(source, at, v, 'a map of label names to strings');
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== 'string') fail(source, `${at}.${k}`, val, 'a string');
    out[k] = val;
  }
  return out;
}

function owner(v: unknown, at: string, source: string): PodInfo['owner'] {
  if (v === undefined) return undefined;
  const m = typeof v === 'string' ? /^([a-z]+)\/(.+)$/.exec(v) : null;
  if (m === null || !(WORKLOAD_KINDS as readonly string[]).includes(m[1]!)) {
    fail(source, at, v, `kind/name with kind one of ${WORKLOAD_KINDS.join(', ')} (e.g. deployment/web)`);
  }
  return { kind: m[1] as WorkloadKind, name: m[2]! };
}

function proxy(v: unknown, at: string, source: string): PodProxy | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'object' || v === null) fail(source, at, v, 'an object with admin (host:port)');
  const o = v as Obj;
  const admin = str(o, 'admin', at, source);
  const tap = o.tap === undefined ? undefined : str(o, 'tap', at, source);
  const identity = o.identity === undefined ? undefined : str(o, 'identity', at, source);
  return {
    adminAddress: admin,
    ...(tap === undefined ? {} : { tapAddress: tap }),
    ...(identity === undefined ? {} : { identity }),
  };
}

/**
 * Parses an inventory file (YAML or JSON), the way a local mesh describes its pods:
 *
 * ```yaml
 * clusterDomain: cluster.local          # optional
 * pods:
 *   - name: web-0
 *     namespace: demo                   # default "default"
 *     ip: 127.0.0.1
 *     owner: deployment/web             # optional workload
 *     serviceAccount: web               # default "default"
 *     labels: { app: web }
 *     proxy: { admin: 127.0.0.1:4191, tap: 127.0.0.1:4190 }   # present = meshed
 * services:
 *   - { name: web, namespace: demo, ports: [80], selector: { app: web } }   # or pods: [web-0]
 * ```
 *
 * Services, pods and profiles of a static discovery file (`discovery`) are added where the
 * file does not name them: endpoints become pods (`labels.deployment` is their owner).
 * @throws {@link InventoryError} naming the field, the value and the expected form.
 */
export function parseStaticInventory(
  text: string,
  source = 'inventory file',
  discovery?: StaticDiscovery,
): StaticInventory {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (cause) {
    throw new InventoryError(`${source}: not YAML or JSON: ${(cause as Error).message}`, { cause });
  }
  if (doc === null || doc === undefined) doc = {};
  if (typeof doc !== 'object' || Array.isArray(doc))
    fail(source, '(root)', doc, 'a map with pods and services');
  const root = doc as Obj;
  for (const k of Object.keys(root)) {
    if (!['pods', 'services', 'clusterDomain'].includes(k))
      fail(source, k, k, 'one of pods, services, clusterDomain');
  }
  const domain = root.clusterDomain === undefined ? 'cluster.local' : str(root, 'clusterDomain', '', source);
  const podList = root.pods ?? [];
  if (!Array.isArray(podList)) fail(source, 'pods', podList, 'a list of pods');
  const pods: PodInfo[] = podList.map((p: unknown, i) => {
    const at = `pods[${i}]`;
    if (typeof p !== 'object' || p === null) fail(source, at, p, 'a pod object');
    const o = p as Obj;
    const px = proxy(o.proxy, `${at}.proxy`, source);
    const own = owner(o.owner, `${at}.owner`, source);
    return {
      name: str(o, 'name', at, source),
      namespace: str(o, 'namespace', at, source, 'default'),
      ip: str(o, 'ip', at, source),
      labels: labels(o.labels, `${at}.labels`, source),
      ...(own === undefined ? {} : { owner: own }),
      serviceAccount: str(o, 'serviceAccount', at, source, 'default'),
      meshed: px !== undefined,
      ...(px === undefined ? {} : { proxy: px }),
      tapEnabled: px?.tapAddress !== undefined,
      running: true,
    };
  });
  const svcList = root.services ?? [];
  if (!Array.isArray(svcList)) fail(source, 'services', svcList, 'a list of services');
  const services: ServiceInfo[] = svcList.map((s: unknown, i) => {
    const at = `services[${i}]`;
    if (typeof s !== 'object' || s === null) fail(source, at, s, 'a service object');
    const o = s as Obj;
    const name = str(o, 'name', at, source);
    const namespace = str(o, 'namespace', at, source, 'default');
    const ports = o.ports ?? [];
    if (!Array.isArray(ports) || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) {
      fail(source, `${at}.ports`, ports, 'a list of ports (1..65535)');
    }
    let members: string[];
    if (o.pods !== undefined) {
      if (!Array.isArray(o.pods) || o.pods.some((n) => typeof n !== 'string'))
        fail(source, `${at}.pods`, o.pods, 'a list of pod names');
      members = o.pods as string[];
    } else {
      const sel = labels(o.selector, `${at}.selector`, source);
      const match = compileLabelSelector(
        Object.entries(sel)
          .map(([k, v]) => `${k}=${v}`)
          .join(','),
      );
      members =
        Object.keys(sel).length === 0
          ? []
          : pods.filter((p) => p.namespace === namespace && match(p.labels)).map((p) => p.name);
    }
    return {
      name,
      namespace,
      fqdn: `${name}.${namespace}.svc.${domain}`,
      ports: ports as number[],
      pods: members,
    };
  });
  if (discovery !== undefined) addDiscovery(discovery, pods, services);
  return new StaticInventory({
    pods,
    services,
    profiles: discovery === undefined ? [] : discoveryProfiles(discovery),
  });
}

function addDiscovery(discovery: StaticDiscovery, pods: PodInfo[], services: ServiceInfo[]): void {
  const havePod = new Set(pods.map((p) => `${p.namespace}/${p.name}`));
  const haveSvc = new Set(services.map((s) => `${s.namespace}/${s.name}`));
  for (const svc of discovery.services?.values() ?? []) {
    const members: string[] = [];
    for (const ep of svc.endpoints) {
      const name = ep.pod ?? ep.hostname ?? `${svc.name}-${ep.ip}`;
      members.push(name);
      const key = `${svc.namespace}/${name}`;
      if (havePod.has(key)) continue;
      havePod.add(key);
      const deployment = ep.labels.deployment;
      pods.push({
        namespace: svc.namespace,
        name,
        ip: ep.ip,
        labels: { ...ep.labels },
        ...(deployment === undefined ? {} : { owner: { kind: 'deployment', name: deployment } }),
        serviceAccount: ep.serviceAccount,
        meshed: ep.meshed,
        tapEnabled: false,
        running: ep.ready,
      });
    }
    if (!haveSvc.has(`${svc.namespace}/${svc.name}`)) {
      services.push({
        namespace: svc.namespace,
        name: svc.name,
        fqdn: svc.fqdn,
        ports: svc.ports.map((p) => p.port),
        pods: members,
      });
    }
  }
}

function discoveryProfiles(discovery: StaticDiscovery): ProfileInfo[] {
  return (discovery.profiles ?? []).map((p) => ({
    namespace: p.metadata.namespace ?? 'default',
    name: p.metadata.name ?? '',
    routes: (p.spec.routes ?? []).map((r) => r.name),
  }));
}
