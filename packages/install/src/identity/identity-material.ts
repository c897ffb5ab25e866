import {
  type CaCredentials,
  generateIssuer,
  generateTrustAnchor,
  IdentityError,
  issuerFromPem,
  TrustAnchors,
  verifyIssuer,
} from '@skein/identity';
import { InstallError, InstallErrorCode } from '../errors.js';

/** Where the identity material of an installation comes from. */
export interface IdentityMaterialInput {
  /** Trust anchors bundle (PEM), e.g. from `--identity-trust-anchors-file`. */
  readonly trustAnchorsPem?: string;
  /** Issuer certificate (PEM), e.g. from `--identity-issuer-certificate-file`. */
  readonly issuerCertificatePem?: string;
  /** Issuer key (PEM), e.g. from `--identity-issuer-key-file`. */
  readonly issuerKeyPem?: string;
  /** The issuer Secret is managed outside the install (cert-manager): only anchors are needed. */
  readonly externalIssuer?: boolean;
  /** Control-plane namespace (the issuer's name is `identity.<namespace>.<trustDomain>`). */
  readonly namespace: string;
  /** Identity trust domain. */
  readonly trustDomain: string;
  /** Names of the inputs for messages (flags or values paths). */
  readonly sources?: { trustAnchors?: string; issuerCertificate?: string; issuerKey?: string };
  /** Clock (ms since the epoch). Default: now. */
  readonly now?: number;
}

/** The identity material an installation renders. */
export interface IdentityMaterial {
  /** Trust anchors bundle (PEM), for `linkerd-identity-trust-roots` and every proxy. */
  readonly trustAnchorsPem: string;
  /** Issuer certificate and key (PEM); absent with an external issuer. */
  readonly issuer: { readonly certificatePem: string; readonly keyPem: string } | undefined;
  /** Whether the anchors and issuer were generated now. */
  readonly generated: boolean;
}

const given = (text: string | undefined): text is string => text !== undefined && text.trim() !== '';

function identityError(message: string, cause?: unknown): InstallError {
  return new InstallError(InstallErrorCode.Identity, message, cause === undefined ? undefined : { cause });
}

/**
 * Uses the given trust anchors and issuer after checking them (the issuer is a CA, its key
 * matches, it chains to the anchors and is valid now), or, when none is given, generates a
 * trust anchor `root.linkerd.<trustDomain>` and an issuer `identity.<namespace>.<trustDomain>`
 * (ECDSA P-256, one year), as `linkerd install` does.
 *
 * @throws {InstallError} (`ERR_SKEIN_INSTALL_IDENTITY`) naming the input at fault.
 */
export function resolveIdentityMaterial(input: IdentityMaterialInput): IdentityMaterial {
  const src = {
    trustAnchors: input.sources?.trustAnchors ?? '--identity-trust-anchors-file',
    issuerCertificate: input.sources?.issuerCertificate ?? '--identity-issuer-certificate-file',
    issuerKey: input.sources?.issuerKey ?? '--identity-issuer-key-file',
  };
  const now = input.now ?? Date.now();
  const hasAnchors = given(input.trustAnchorsPem);
  const hasCert = given(input.issuerCertificatePem);
  const hasKey = given(input.issuerKeyPem);
  if (input.externalIssuer === true) {
    if (!hasAnchors) {
      throw identityError(
        `${src.trustAnchors} is required with an external issuer (--identity-external-issuer)`,
      );
    }
    parseAnchors(input.trustAnchorsPem!, src.trustAnchors);
    return { trustAnchorsPem: normalizePem(input.trustAnchorsPem!), issuer: undefined, generated: false };
  }
  if (!hasAnchors && !hasCert && !hasKey) return generate(input.namespace, input.trustDomain, now);
  const missing = [
    hasAnchors ? undefined : src.trustAnchors,
    hasCert ? undefined : src.issuerCertificate,
    hasKey ? undefined : src.issuerKey,
  ].filter((x) => x !== undefined);
  if (missing.length > 0) {
    throw identityError(
      `${missing.join(' and ')} must be given too: give the trust anchors, the issuer certificate and the issuer key together, or none of them to generate all three`,
    );
  }
  const anchors = parseAnchors(input.trustAnchorsPem!, src.trustAnchors);
  try {
    const issuer = issuerFromPem({
      certificatePem: input.issuerCertificatePem!,
      keyPem: input.issuerKeyPem!,
      source: `${src.issuerCertificate}/${src.issuerKey}`,
    });
    verifyIssuer(issuer, anchors, now);
  } catch (err) {
    if (!(err instanceof IdentityError)) throw err;
    throw identityError(`the issuer is unusable: ${err.message}`, err);
  }
  return {
    trustAnchorsPem: normalizePem(input.trustAnchorsPem!),
    issuer: {
      certificatePem: normalizePem(input.issuerCertificatePem!),
      keyPem: normalizePem(input.issuerKeyPem!),
    },
    generated: false,
  };
}

function parseAnchors(pem: string, source: string): TrustAnchors {
  try {
    return TrustAnchors.fromPem(pem, source);
  } catch (err) {
    if (!(err instanceof IdentityError)) throw err;
    throw identityError(`${source}: ${err.message}`, err);
  }
}

function normalizePem(pem: string): string {
  return `${pem.trim()}\n`;
}

function generate(namespace: string, trustDomain: string, now: number): IdentityMaterial {
  const anchor: CaCredentials = generateTrustAnchor({
    commonName: `root.linkerd.${trustDomain}`,
    notBefore: now,
  });
  const issuer = generateIssuer(anchor, { namespace, trustDomain, notBefore: now });
  return {
    trustAnchorsPem: anchor.certificatePem,
    issuer: { certificatePem: issuer.certificatePem, keyPem: issuer.keyPem },
    generated: true,
  };
}
