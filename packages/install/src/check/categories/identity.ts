import {
  type CheckResult as CertificateCheck,
  checkIssuer,
  checkTrustAnchors,
  decodeCertificatesPem,
  issuerName,
  readCertificate,
  TrustAnchors,
} from '@skein/identity';
import { ResourceName } from '../../render/names.js';
import type { CheckContext } from '../check-context.js';
import type { CheckCategory, CheckDefinition, CheckVerdict } from '../check-model.js';
import { fail, ok, warn } from '../check-model.js';

/** The anchors and issuer as installed, or why they cannot be read. */
interface IdentityState {
  readonly anchors?: TrustAnchors;
  readonly anchorsProblem?: string;
  readonly issuerPem?: string;
  readonly issuerProblem?: string;
  readonly trustDomain: string;
}

function decode(data: Record<string, string> | undefined, key: string): string | undefined {
  const v = data?.[key];
  return v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8');
}

async function readIdentity(ctx: CheckContext): Promise<IdentityState> {
  const { values, controlPlane } = await ctx.installed();
  const trustDomain = values.identityTrustDomain || values.clusterDomain;
  let anchorsPem = values.identityTrustAnchorsPEM;
  let anchorsSource = `${ResourceName.config} identityTrustAnchorsPEM`;
  if (!values.identity.externalCA) {
    const cm = await ctx.cluster.get({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: ctx.namespace,
      name: ResourceName.trustRoots,
    });
    anchorsPem = (cm?.data as Record<string, string> | undefined)?.['ca-bundle.crt'] ?? '';
    anchorsSource = `configmap ${ctx.namespace}/${ResourceName.trustRoots}`;
    if (cm === undefined) return { anchorsProblem: `${anchorsSource} does not exist`, trustDomain };
  }
  let anchors: TrustAnchors | undefined;
  let anchorsProblem: string | undefined;
  try {
    anchors = TrustAnchors.fromPem(anchorsPem, anchorsSource);
  } catch (err) {
    anchorsProblem = (err as Error).message;
  }
  const secret = await ctx.cluster.get({
    apiVersion: 'v1',
    kind: 'Secret',
    namespace: ctx.namespace,
    name: ResourceName.issuerSecret,
  });
  const key = controlPlane.identity.issuer.scheme === 'kubernetes.io/tls' ? 'tls.crt' : 'crt.pem';
  const issuerPem = decode(secret?.data as Record<string, string> | undefined, key);
  const issuerProblem =
    secret === undefined
      ? `secret ${ctx.namespace}/${ResourceName.issuerSecret} does not exist`
      : issuerPem === undefined
        ? `secret ${ctx.namespace}/${ResourceName.issuerSecret} has no "${key}" (issuer scheme ${controlPlane.identity.issuer.scheme})`
        : undefined;
  return {
    ...(anchors === undefined ? {} : { anchors }),
    ...(anchorsProblem === undefined ? {} : { anchorsProblem }),
    ...(issuerPem === undefined ? {} : { issuerPem }),
    ...(issuerProblem === undefined ? {} : { issuerProblem }),
    trustDomain,
  };
}

const cache = new WeakMap<CheckContext, Promise<IdentityState>>();

function identityState(ctx: CheckContext): Promise<IdentityState> {
  let state = cache.get(ctx);
  if (state === undefined) {
    state = readIdentity(ctx);
    cache.set(ctx, state);
  }
  return state;
}

function verdictOf(results: readonly CertificateCheck[], description: string): CheckVerdict {
  const r = results.find((x) => x.check === description);
  if (r === undefined || r.status === 'ok') return ok();
  return r.status === 'warning' ? warn(r.message) : fail(r.message);
}

function anchorCheck(id: string, description: string, hintAnchor: string): CheckDefinition {
  return {
    id,
    description,
    hintAnchor,
    async run(ctx) {
      const s = await identityState(ctx);
      if (s.anchors === undefined) return fail(s.anchorsProblem ?? 'no trust anchors');
      return verdictOf(checkTrustAnchors(s.anchors, { now: ctx.now() }), description);
    },
  };
}

function issuerCheck(id: string, description: string, hintAnchor: string): CheckDefinition {
  return {
    id,
    description,
    hintAnchor,
    async run(ctx) {
      const s = await identityState(ctx);
      if (s.issuerPem === undefined) return fail(s.issuerProblem ?? 'no issuer certificate');
      if (s.anchors === undefined)
        return fail(`cannot check the issuer without trust anchors: ${s.anchorsProblem}`);
      const [first, ...chain] = decodeCertificatesPem(s.issuerPem, 'issuer certificate').map((der) =>
        readCertificate(der),
      );
      const results = checkIssuer(first!, s.anchors, {
        now: ctx.now(),
        chain,
        expectedName: issuerName(ctx.namespace, s.trustDomain),
      });
      return verdictOf(results, description);
    },
  };
}

/** `linkerd-identity`: the trust anchors and the issuer are usable, valid for 60 days, and chained. */
export const linkerdIdentity: CheckCategory = {
  name: 'linkerd-identity',
  checks: [
    {
      id: 'l5d-identity-cert-config-valid',
      description: 'certificate config is valid',
      hintAnchor: 'l5d-identity-cert-config-valid',
      async run(ctx) {
        const s = await identityState(ctx);
        const problems = [s.anchorsProblem, s.issuerProblem].filter((p) => p !== undefined);
        return problems.length === 0 ? ok() : fail(problems.join('; '));
      },
    },
    anchorCheck(
      'l5d-identity-trustAnchors-use-supported-crypto',
      'trust anchors are using supported crypto algorithm',
      'l5d-identity-trustAnchors-use-supported-crypto',
    ),
    anchorCheck(
      'l5d-identity-trustAnchors-are-time-valid',
      'trust anchors are within their validity period',
      'l5d-identity-trustAnchors-are-time-valid',
    ),
    anchorCheck(
      'l5d-identity-trustAnchors-not-expiring-soon',
      'trust anchors are valid for at least 60 days',
      'l5d-identity-trustAnchors-not-expiring-soon',
    ),
    issuerCheck(
      'l5d-identity-issuer-cert-uses-supported-crypto',
      'issuer cert is using supported crypto algorithm',
      'l5d-identity-issuer-cert-uses-supported-crypto',
    ),
    issuerCheck(
      'l5d-identity-issuer-cert-is-time-valid',
      'issuer cert is within its validity period',
      'l5d-identity-issuer-cert-is-time-valid',
    ),
    issuerCheck(
      'l5d-identity-issuer-cert-not-expiring-soon',
      'issuer cert is valid for at least 60 days',
      'l5d-identity-issuer-cert-not-expiring-soon',
    ),
    issuerCheck(
      'l5d-identity-issuer-cert-is-ca',
      'issuer cert is a CA',
      'l5d-identity-issuer-cert-is-time-valid',
    ),
    issuerCheck(
      'l5d-identity-issuer-cert-issued-by-trust-anchor',
      'issuer cert is issued by the trust anchor',
      'l5d-identity-issuer-cert-issued-by-trust-anchor',
    ),
    issuerCheck(
      'l5d-identity-issuer-cert-name',
      'issuer cert has the expected name',
      'l5d-identity-issuer-cert-issued-by-trust-anchor',
    ),
  ],
};
