import { type Logger, nullLogger, type ServiceProfile } from '@skein/core';
import { tcpAddressFromParts } from '@skein/core/proto';
import { isObservable, map, type Observable, of, shareReplay } from 'rxjs';
import { DestinationStatus } from '../discovery-error.js';
import { defaultRetryBudget, translateServiceProfile } from '../profile/profile-translator.js';
import type { ClientContext } from '../server/context-token.js';
import type {
  DestinationBackend,
  EndpointSnapshot,
  ProfileSnapshot,
  SnapshotSource,
  WeightedAddrProps,
} from '../server/destination-backend.js';
import { type DestinationTarget, parseServiceName } from '../server/destination-target.js';
import { weightedAddrFromEndpoint } from '../server/endpoint-to-weighted-addr.js';
import { type MeshSettings, type MeshSettingsInput, meshSettings } from '../server/mesh-settings.js';
import { addrKey } from '../server/update-encoding.js';
import type { StaticDiscovery } from './static-file.js';

/** Options of {@link StaticDestinationBackend}. */
export interface StaticDestinationBackendOptions {
  /** The parsed discovery file, or an Observable of it (e.g. `watchStaticDiscoveryFile`, reloaded when the file changes). */
  readonly discovery: StaticDiscovery | Observable<StaticDiscovery>;
  /** Default opaque ports and cluster domain for names outside the file's `services`. */
  readonly settings?: MeshSettingsInput;
  /** Logs dropped profile routes. */
  readonly logger?: Logger;
}

function findProfile(
  profiles: readonly ServiceProfile[] | undefined,
  name: string,
  namespaces: readonly string[],
): ServiceProfile | undefined {
  for (const ns of namespaces) {
    if (ns === '') continue;
    const sp = profiles?.find((p) => p.metadata.name === name && p.metadata.namespace === ns);
    if (sp !== undefined) return sp;
  }
  return undefined;
}

/**
 * Answers `Get` and `GetProfile` from a static discovery file, so the destination service runs
 * without Kubernetes (the local mesh): authorities are served as written; services also get
 * profiles (their ServiceProfile, else the default one); IPs get endpoint profiles.
 */
export class StaticDestinationBackend implements DestinationBackend {
  readonly #discovery: Observable<StaticDiscovery>;
  readonly #settings: MeshSettings;
  readonly #logger: Logger;

  constructor(options: StaticDestinationBackendOptions) {
    // Views subscribe one by one: share one subscription (one file watch) and replay the latest.
    this.#discovery = (isObservable(options.discovery) ? options.discovery : of(options.discovery)).pipe(
      shareReplay({ bufferSize: 1, refCount: true }),
    );
    this.#settings = meshSettings(options.settings);
    this.#logger = options.logger ?? nullLogger;
  }

  endpoints(target: DestinationTarget, _client: ClientContext): SnapshotSource<EndpointSnapshot> {
    return {
      key: target.authority,
      snapshots: this.#discovery.pipe(map((d) => this.#endpointSnapshot(d, target))),
    };
  }

  profile(target: DestinationTarget, client: ClientContext): SnapshotSource<ProfileSnapshot> {
    return {
      key: `${target.authority}|${client.namespace}`,
      snapshots: this.#discovery.pipe(map((d) => this.#profileSnapshot(d, target, client))),
    };
  }

  #endpointSnapshot(d: StaticDiscovery, target: DestinationTarget): EndpointSnapshot {
    const entry = d.authorities.get(target.authority);
    if (entry !== undefined) {
      const addrs = new Map<string, WeightedAddrProps>();
      for (const e of entry.endpoints) {
        const wa = weightedAddrFromEndpoint(e, entry.labels);
        addrs.set(addrKey(wa), wa);
      }
      return { kind: 'endpoints', labels: entry.labels, addrs };
    }
    if (target.isIp) {
      return {
        kind: 'invalid',
        status: DestinationStatus.InvalidArgument,
        message: `cannot resolve IP address ${target.authority}: Get takes a service name`,
      };
    }
    return { kind: 'notFound', message: `no endpoints are known for ${target.authority}` };
  }

  #profileSnapshot(d: StaticDiscovery, target: DestinationTarget, client: ClientContext): ProfileSnapshot {
    const domain = d.mesh?.clusterDomain ?? this.#settings.clusterDomain;
    if (target.isIp) {
      for (const entry of d.authorities.values()) {
        const e = entry.endpoints.find((x) => x.ip === target.host && x.port === target.port);
        if (e === undefined) continue;
        const endpoint = weightedAddrFromEndpoint(e);
        return {
          kind: 'profile',
          profile: {
            retryBudget: defaultRetryBudget(),
            endpoint,
            opaqueProtocol: e.protocolHint === 'opaque' || this.#settings.defaultOpaquePorts.has(target.port),
          },
        };
      }
      return {
        kind: 'profile',
        profile: {
          retryBudget: defaultRetryBudget(),
          opaqueProtocol: this.#settings.defaultOpaquePorts.has(target.port),
          endpoint: { addr: tcpAddressFromParts(target.host, target.port), weight: 10_000 },
        },
      };
    }
    const name = parseServiceName(target.host, domain);
    const svc = name === undefined ? undefined : d.services?.get(`${name.namespace}/${name.name}`);
    if (svc !== undefined && name !== undefined && name.hostname === undefined) {
      const port = svc.ports.find((p) => p.port === target.port);
      if (port === undefined) return { kind: 'profile', profile: {} };
      const sp = findProfile(d.profiles, svc.fqdn, [client.namespace, svc.namespace]);
      const opaque = port.opaque || (sp?.spec.opaquePorts ?? []).some((p) => Number(p) === target.port);
      const profile = translateServiceProfile(
        sp,
        { fqn: svc.fqdn, port: target.port, opaque, service: { namespace: svc.namespace, name: svc.name } },
        this.#logger,
      );
      return { kind: 'profile', profile };
    }
    const entry = d.authorities.get(target.authority);
    if (entry !== undefined) {
      const sp = findProfile(d.profiles, target.host, [client.namespace, name?.namespace ?? '']);
      const opaque =
        (entry.endpoints.length > 0 && entry.endpoints.every((e) => e.protocolHint === 'opaque')) ||
        this.#settings.defaultOpaquePorts.has(target.port);
      return {
        kind: 'profile',
        profile: translateServiceProfile(sp, { fqn: target.host, port: target.port, opaque }, this.#logger),
      };
    }
    if (name === undefined) {
      return {
        kind: 'invalid',
        status: DestinationStatus.InvalidArgument,
        message: `invalid authority ${target.authority}: not a service of this mesh`,
      };
    }
    return { kind: 'notFound', message: `Service ${name.name}.${name.namespace} not found` };
  }
}
