import { IdentityError } from '../errors.js';
import type { CertificateInfo } from '../x509/certificate-info.js';
import { verifyChain } from './chain-verifier.js';
import type { TrustAnchors } from './trust-anchors.js';

/** Outcome of one check: `warning` does not fail `linkerd check`, `error` does. */
export type CheckStatus = 'ok' | 'warning' | 'error';

/** One `linkerd check`-style result. */
export interface CheckResult {
  /** What was checked, worded as `linkerd check` words it. */
  readonly check: string;
  /** The outcome. */
  readonly status: CheckStatus;
  /** Empty when ok; otherwise which certificate and what is wrong. */
  readonly message: string;
}

/** Options of the certificate checks. */
export interface CertificateCheckOptions {
  /** When to check at (ms since the epoch). Default: now. */
  now?: number;
  /** Warn when less than this is left (ms). Default: 60 days, as `linkerd check`. */
  minRemainingMs?: number;
}

const DAY_MS = 24 * 3600_000;

function label(cert: CertificateInfo): string {
  return cert.subjectCommonName ?? `serial ${cert.serialNumber}`;
}

function result(check: string, problems: string[], failStatus: CheckStatus): CheckResult {
  return problems.length === 0
    ? { check, status: 'ok', message: '' }
    : { check, status: failStatus, message: problems.join('; ') };
}

function algorithmProblems(certs: readonly CertificateInfo[]): string[] {
  const problems: string[] = [];
  for (const c of certs) {
    if (c.keyAlgorithm !== 'ECDSA-P256') {
      problems.push(`"${label(c)}" must use an ECDSA P-256 public key, it uses ${c.keyAlgorithm}`);
    } else if (c.signatureAlgorithm !== 'ECDSA-SHA256' && c.signatureAlgorithm !== 'ECDSA-SHA384') {
      problems.push(
        `"${label(c)}" must be signed with ECDSA-SHA256, it is signed with ${c.signatureAlgorithm}`,
      );
    }
  }
  return problems;
}

function validityProblems(certs: readonly CertificateInfo[], now: number): string[] {
  const problems: string[] = [];
  for (const c of certs) {
    if (now < c.notBefore.getTime())
      problems.push(`"${label(c)}" is not valid before ${c.notBefore.toISOString()}`);
    else if (now > c.notAfter.getTime())
      problems.push(`"${label(c)}" expired at ${c.notAfter.toISOString()}`);
  }
  return problems;
}

function remainingProblems(certs: readonly CertificateInfo[], now: number, min: number): string[] {
  return certs
    .filter((c) => now <= c.notAfter.getTime() && c.notAfter.getTime() - now < min)
    .map(
      (c) =>
        `"${label(c)}" will expire on ${c.notAfter.toISOString()} (in ${Math.floor((c.notAfter.getTime() - now) / DAY_MS)} days)`,
    );
}

/**
 * Checks trust anchors as `linkerd check` does: supported algorithm (ECDSA P-256), within the
 * validity period, and at least 60 days left (a warning).
 */
export function checkTrustAnchors(
  anchors: TrustAnchors,
  options: CertificateCheckOptions = {},
): CheckResult[] {
  const now = options.now ?? Date.now();
  const min = options.minRemainingMs ?? 60 * DAY_MS;
  const certs = anchors.certificates;
  return [
    result('trust anchors are using supported crypto algorithm', algorithmProblems(certs), 'error'),
    result('trust anchors are within their validity period', validityProblems(certs, now), 'error'),
    result(
      `trust anchors are valid for at least ${Math.round(min / DAY_MS)} days`,
      remainingProblems(certs, now, min),
      'warning',
    ),
  ];
}

/** Options of {@link checkIssuer}. */
export interface IssuerCheckOptions extends CertificateCheckOptions {
  /** Intermediates between the issuer and the anchors. */
  chain?: readonly CertificateInfo[];
  /** The name the issuer must have (`identity.<ns>.<trust-domain>`); unchecked when absent. */
  expectedName?: string;
}

/**
 * Checks an issuer certificate as `linkerd check` does: supported algorithm, validity period,
 * at least 60 days left (a warning), issued by one of the anchors; plus that it is a CA and, when
 * given, has the expected name.
 */
export function checkIssuer(
  issuer: CertificateInfo,
  anchors: TrustAnchors,
  options: IssuerCheckOptions = {},
): CheckResult[] {
  const now = options.now ?? Date.now();
  const min = options.minRemainingMs ?? 60 * DAY_MS;
  let chainProblem: string[] = [];
  try {
    verifyChain(issuer, options.chain ?? [], anchors, { now });
  } catch (err) {
    if (!(err instanceof IdentityError)) throw err;
    chainProblem = [err.message];
  }
  const results = [
    result('issuer cert is using supported crypto algorithm', algorithmProblems([issuer]), 'error'),
    result('issuer cert is within its validity period', validityProblems([issuer], now), 'error'),
    result(
      `issuer cert is valid for at least ${Math.round(min / DAY_MS)} days`,
      remainingProblems([issuer], now, min),
      'warning',
    ),
    result(
      'issuer cert is a CA',
      issuer.isCa ? [] : [`"${label(issuer)}" lacks basicConstraints CA:TRUE`],
      'error',
    ),
    result('issuer cert is issued by the trust anchor', chainProblem, 'error'),
  ];
  if (options.expectedName !== undefined) {
    const cn = issuer.subjectCommonName ?? '';
    results.push(
      result(
        'issuer cert has the expected name',
        cn === options.expectedName ? [] : [`expected "${options.expectedName}", got "${cn}"`],
        'error',
      ),
    );
  }
  return results;
}
