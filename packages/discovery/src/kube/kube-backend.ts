import { type Logger, nullLogger } from '@skein/core';
import { DestinationError, DestinationStatus } from '../discovery-error.js';
import type { ClientContext } from '../server/context-token.js';
import type {
  DestinationBackend,
  EndpointSnapshot,
  ProfileSnapshot,
  SnapshotSource,
} from '../server/destination-backend.js';
import { type DestinationTarget, parseServiceName } from '../server/destination-target.js';
import { type MeshSettings, type MeshSettingsInput, meshSettings } from '../server/mesh-settings.js';
import { computedView } from './computed-view.js';
import type { KubeCluster } from './kube-cluster.js';
import { computeEndpoints } from './service-endpoints.js';
import { computeProfile } from './service-profiles.js';

/** Options of {@link KubeDestinationBackend}. */
export interface KubeDestinationBackendOptions {
  /** The watched cluster. */
  readonly cluster: KubeCluster;
  /** Mesh settings (cluster domain, trust domain, …); Linkerd's defaults otherwise. */
  readonly settings?: MeshSettings | MeshSettingsInput;
  /** Logs dropped profile routes. */
  readonly logger?: Logger;
}

function isSettings(s: MeshSettings | MeshSettingsInput): s is MeshSettings {
  return typeof (s as MeshSettings).defaultOpaquePorts === 'object' && 'meshedHttp2ClientParams' in s;
}

/**
 * Answers `Get` and `GetProfile` from Kubernetes: Services, EndpointSlices, Pods, Nodes,
 * ServiceProfiles and Servers watched by a {@link KubeCluster}.
 */
export class KubeDestinationBackend implements DestinationBackend {
  readonly #cluster: KubeCluster;
  readonly #settings: MeshSettings;
  readonly #logger: Logger;

  constructor(options: KubeDestinationBackendOptions) {
    this.#cluster = options.cluster;
    const s = options.settings ?? {};
    this.#settings = isSettings(s) ? s : meshSettings(s);
    this.#logger = options.logger ?? nullLogger;
  }

  /** The settings in force. */
  get settings(): MeshSettings {
    return this.#settings;
  }

  endpoints(target: DestinationTarget, client: ClientContext): SnapshotSource<EndpointSnapshot> {
    if (target.isIp) {
      throw new DestinationError(
        DestinationStatus.InvalidArgument,
        `cannot resolve IP address ${target.authority}: Get takes a service name`,
      );
    }
    const name = parseServiceName(target.host, this.#settings.clusterDomain);
    if (name === undefined) {
      throw new DestinationError(
        DestinationStatus.InvalidArgument,
        `invalid authority ${target.authority}: expected <service>.<namespace>.svc.${this.#settings.clusterDomain}[:port]`,
      );
    }
    const cluster = this.#cluster;
    return {
      // Everything a Get depends on besides the authority is the client's node.
      key: `${target.authority}|${client.nodeName}`,
      snapshots: computedView(
        () => cluster.ready(),
        (cb) => cluster.interest(cb),
        () =>
          computeEndpoints(
            cluster,
            {
              namespace: name.namespace,
              name: name.name,
              port: target.port,
              hostname: name.hostname,
              client,
            },
            this.#settings,
          ),
      ),
    };
  }

  profile(target: DestinationTarget, client: ClientContext): SnapshotSource<ProfileSnapshot> {
    const cluster = this.#cluster;
    return {
      key: `${target.authority}|${client.namespace}`,
      snapshots: computedView(
        () => cluster.ready(),
        (cb) => cluster.interest(cb),
        () => computeProfile(cluster, target, client, this.#settings, this.#logger),
      ),
    };
  }
}
