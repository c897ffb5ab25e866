import type { V1Pod, V1Service } from '@kubernetes/client-node';
import type { Logger } from '@skein/core';
import { tcpAddressFromParts } from '@skein/core/proto';
import { DestinationStatus } from '../discovery-error.js';
import { defaultRetryBudget, translateServiceProfile } from '../profile/profile-translator.js';
import type { ClientContext } from '../server/context-token.js';
import type { ProfileSnapshot } from '../server/destination-backend.js';
import { type DestinationTarget, parseServiceName } from '../server/destination-target.js';
import type { MeshSettings } from '../server/mesh-settings.js';
import { type KubeCluster, podIps } from './kube-cluster.js';
import {
  annotationPorts,
  DEFAULT_WEIGHT,
  isOpaquePort,
  OPAQUE_PORTS_ANNOTATION,
  weightedAddr,
} from './pod-endpoint.js';
import type { Computed } from './service-endpoints.js';

function serviceProfile(
  cluster: KubeCluster,
  svc: V1Service,
  port: number,
  client: ClientContext,
  settings: MeshSettings,
  logger: Logger,
): Computed<ProfileSnapshot> {
  const ns = svc.metadata?.namespace ?? '';
  const name = svc.metadata?.name ?? '';
  const fqn = `${name}.${ns}.svc.${settings.clusterDomain}`;
  const keys = [`svc:${ns}/${name}`, `sp:${ns}/${fqn}`];
  if (client.namespace !== '') keys.push(`sp:${client.namespace}/${fqn}`);
  if (svc.spec?.ports?.some((p) => p.port === port) !== true) {
    // Not a port of the service: an empty profile tells the proxy to rely on the policy API.
    return { snapshot: { kind: 'profile', profile: {} }, keys };
  }
  // The client's namespace may override the service owner's profile.
  const sp =
    (client.namespace === '' ? undefined : cluster.profile(client.namespace, fqn)) ??
    cluster.profile(ns, fqn);
  const annotated = annotationPorts(svc.metadata?.annotations?.[OPAQUE_PORTS_ANNOTATION]);
  const opaque =
    (annotated ?? settings.defaultOpaquePorts).has(port) ||
    (sp?.spec.opaquePorts ?? []).some((p) => Number(p) === port);
  const profile = translateServiceProfile(
    sp,
    { fqn, port, opaque, service: { namespace: ns, name } },
    logger,
  );
  return { snapshot: { kind: 'profile', profile }, keys };
}

function endpointProfile(
  cluster: KubeCluster,
  pod: V1Pod,
  ip: string,
  port: number,
  settings: MeshSettings,
  keys: string[],
): Computed<ProfileSnapshot> {
  const ns = pod.metadata?.namespace ?? '';
  keys.push(`pod:${ns}/${pod.metadata?.name}`, `srv:${ns}`);
  const owner = pod.metadata?.ownerReferences?.find((r) => r.controller === true);
  if (owner !== undefined) keys.push(`owner:${ns}/${owner.name}`);
  const endpoint = weightedAddr(ip, port, pod, cluster, settings, {
    extraLabels: { namespace: ns },
    // A pod that is not running yet cannot terminate mTLS; describe it once it runs.
    unmeshed: pod.status?.phase !== 'Running',
  });
  return {
    snapshot: {
      kind: 'profile',
      profile: {
        retryBudget: defaultRetryBudget(),
        endpoint,
        opaqueProtocol: isOpaquePort(pod, port, cluster, settings),
      },
    },
    keys,
  };
}

/**
 * The profile `GetProfile` serves, as Linkerd computes it: for a cluster IP, its Service's profile
 * (`FailedPrecondition` when two services share it); for a pod IP or a pod DNS name, an endpoint
 * profile; for any other IP, a default profile with the address as its endpoint; for a service
 * name, the ServiceProfile in the client's namespace, else the one in the service's namespace,
 * else Linkerd's default profile.
 */
export function computeProfile(
  cluster: KubeCluster,
  target: DestinationTarget,
  client: ClientContext,
  settings: MeshSettings,
  logger: Logger,
): Computed<ProfileSnapshot> {
  if (target.isIp) {
    const keys = [`ip:${target.host}`];
    const services = cluster.servicesByIp(target.host);
    if (services.length > 1) {
      const names = services.map((s) => `${s.metadata?.namespace}/${s.metadata?.name}`).sort();
      return {
        snapshot: {
          kind: 'invalid',
          status: DestinationStatus.FailedPrecondition,
          message: `cluster IP ${target.host} is shared by services ${names.join(', ')}`,
        },
        keys,
      };
    }
    if (services.length === 1) {
      const computed = serviceProfile(cluster, services[0]!, target.port, client, settings, logger);
      return { snapshot: computed.snapshot, keys: [...keys, ...computed.keys] };
    }
    const pods = cluster.podsByIp(target.host);
    const pod = pods.find((p) => p.status?.phase === 'Running') ?? pods[0];
    if (pod !== undefined) return endpointProfile(cluster, pod, target.host, target.port, settings, keys);
    return {
      snapshot: {
        kind: 'profile',
        profile: {
          retryBudget: defaultRetryBudget(),
          opaqueProtocol: settings.defaultOpaquePorts.has(target.port),
          endpoint: { addr: tcpAddressFromParts(target.host, target.port), weight: DEFAULT_WEIGHT },
        },
      },
      keys,
    };
  }
  const name = parseServiceName(target.host, settings.clusterDomain);
  if (name === undefined) {
    return {
      snapshot: {
        kind: 'invalid',
        status: DestinationStatus.InvalidArgument,
        message: `invalid authority ${target.authority}: expected <service>.<namespace>.svc.${settings.clusterDomain}[:port] or an IP`,
      },
      keys: [],
    };
  }
  const keys = [`svc:${name.namespace}/${name.name}`];
  const svc = cluster.service(name.namespace, name.name);
  if (svc === undefined) {
    return {
      snapshot: { kind: 'notFound', message: `Service ${name.name}.${name.namespace} not found` },
      keys,
    };
  }
  if (svc.spec?.type === 'ExternalName') {
    return {
      snapshot: {
        kind: 'invalid',
        status: DestinationStatus.InvalidArgument,
        message: `Service ${name.name}.${name.namespace} is of type ExternalName`,
      },
      keys,
    };
  }
  if (name.hostname !== undefined) {
    for (const slice of cluster.slices(name.namespace, name.name)) {
      for (const ep of slice.endpoints ?? []) {
        if (ep.hostname !== name.hostname || ep.targetRef?.kind !== 'Pod' || ep.targetRef.name === undefined)
          continue;
        const pod = cluster.pod(ep.targetRef.namespace ?? name.namespace, ep.targetRef.name);
        const ip = ep.addresses?.[0] ?? (pod === undefined ? undefined : podIps(pod)[0]);
        if (pod !== undefined && ip !== undefined) {
          return endpointProfile(cluster, pod, ip, target.port, settings, keys);
        }
      }
    }
    return {
      snapshot: {
        kind: 'notFound',
        message: `no endpoint with hostname ${name.hostname} in Service ${name.name}.${name.namespace}`,
      },
      keys,
    };
  }
  return serviceProfile(cluster, svc, target.port, client, settings, logger);
}
