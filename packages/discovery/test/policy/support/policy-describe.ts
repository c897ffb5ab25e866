import { durationToMillis, type inbound, ipNetworkToString, type meta } from '@skein/core/proto';
import type { Authorization, InboundPolicy, PolicyRef } from '../../../src/index.js';

/** An authorization, readable: `ref`, `networks` (`net` or `net except a,b`), `authn`. */
export interface DescribedAuthz {
  ref: string;
  networks: string[];
  authn: string;
}

/** A policy (or a Server message), readable. */
export interface DescribedPolicy {
  protocol: string;
  timeoutMs?: number;
  server: string;
  authz: DescribedAuthz[];
  probes?: { paths: string[]; authz: DescribedAuthz };
  audit?: true;
}

const ref = (r: PolicyRef) => `${r.group}/${r.kind}/${r.name}`;

function authnText(a: Authorization['authentication']): string {
  if (a.kind === 'unauthenticated') return 'unauthenticated';
  if (a.kind === 'meshTLSAny') return 'any-identity';
  return `ids=${a.identities.join(',')};suffixes=${a.suffixes.map((s) => s.join('.')).join(',')}`;
}

function authz(a: Authorization): DescribedAuthz {
  return {
    ref: ref(a.ref),
    networks: a.networks.map((n) => `${n.net}${n.except === undefined ? '' : ` except ${n.except}`}`),
    authn: authnText(a.authentication),
  };
}

/** Describes a model policy. */
export function describePolicy(p: InboundPolicy): DescribedPolicy {
  return {
    protocol: p.protocol,
    ...(p.detectTimeoutMs === undefined ? {} : { timeoutMs: p.detectTimeoutMs }),
    server: ref(p.server),
    authz: p.authorizations.map(authz),
    ...(p.probes === undefined
      ? {}
      : { probes: { paths: [...p.probes.paths], authz: authz(p.probes.authorization) } }),
    ...(p.audit === true ? { audit: true as const } : {}),
  };
}

function metaText(m: meta.Metadata.$Properties | null | undefined): string {
  if (m?.default != null) return `/default/${m.default}`;
  return `${m?.resource?.group}/${m?.resource?.kind}/${m?.resource?.name}`;
}

function wireAuthz(a: inbound.Authz.$Properties): DescribedAuthz {
  const mtls = a.authentication?.meshTLS;
  let authn = 'unauthenticated';
  if (mtls != null) {
    if (mtls.unauthenticated != null) authn = 'tls';
    else {
      const ids = mtls.identities?.identities?.map((i) => i.name) ?? [];
      const sfx = mtls.identities?.suffixes?.map((s) => (s.parts ?? []).join('.')) ?? [];
      authn =
        ids.length === 0 && sfx.length === 1 && sfx[0] === ''
          ? 'any-identity'
          : `ids=${ids.join(',')};suffixes=${sfx.join(',')}`;
    }
  }
  return {
    ref: metaText(a.metadata),
    networks: (a.networks ?? []).map((n) => {
      const ex = (n.except ?? []).map((e) => ipNetworkToString(e));
      return `${ipNetworkToString(n.net!)}${ex.length === 0 ? '' : ` except ${ex.join(',')}`}`;
    }),
    authn,
  };
}

/** Describes an `inbound.Server` message as it is on the wire (no client-side additions). */
export function describeServer(s: inbound.Server): DescribedPolicy & { labelsMatchMetadata: boolean } {
  const p = s.protocol!;
  const kind = p.kind!;
  const routes = p.detect?.httpRoutes ?? p.http1?.routes ?? p.http2?.routes ?? [];
  const probe = routes.find((r) => r.metadata?.default === 'probe');
  const labels = s.labels ?? {};
  return {
    protocol: kind,
    ...(p.detect?.timeout != null ? { timeoutMs: durationToMillis(p.detect.timeout) } : {}),
    server: `${labels.group}/${labels.kind}/${labels.name}`,
    authz: (s.authorizations ?? []).map(wireAuthz),
    ...(probe === undefined
      ? {}
      : {
          probes: {
            paths: (probe.rules?.[0]?.matches ?? []).map((m) => m.path?.exact ?? ''),
            authz: wireAuthz(probe.authorizations![0]!),
          },
        }),
    labelsMatchMetadata: (s.authorizations ?? []).every((a) => {
      const l = a.labels ?? {};
      return `${l.group}/${l.kind}/${l.name}` === metaText(a.metadata);
    }),
  };
}
