import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { IdentityError, IdentityErrorCode } from '../errors.js';
import { KeyUsageBit, signCertificate } from '../x509/certificate-builder.js';
import { type CertificateInfo, readCertificate } from '../x509/certificate-info.js';
import { commonNameDer, nameDer } from '../x509/general-names.js';
import { encodePem } from '../x509/pem.js';
import { publicKeyInfoOf } from '../x509/signing.js';

/** Linkerd's default lifetime of the trust anchor and the issuer: 365 days. */
export const DEFAULT_CA_LIFETIME_MS = 365 * 24 * 3600_000;

/** A CA certificate with its private key. */
export interface CaCredentials {
  /** The certificate. */
  readonly certificate: CertificateInfo;
  /** The certificate as PEM (`crt.pem`, or the anchors bundle). */
  readonly certificatePem: string;
  /** The private key. */
  readonly key: KeyObject;
  /** The private key as PKCS#8 PEM (`key.pem`). */
  readonly keyPem: string;
}

/** Options of {@link generateTrustAnchor}. */
export interface TrustAnchorOptions {
  /** Common name. Default: `root.linkerd.cluster.local` (Linkerd's). */
  commonName?: string;
  /** Lifetime (ms). Default: 365 days. */
  lifetimeMs?: number;
  /** Start of validity (ms since the epoch). Default: now. */
  notBefore?: number;
  /** Serial number. Default: 1. */
  serial?: bigint;
}

/** Options of {@link generateIssuer}. */
export interface IssuerOptions {
  /** Control-plane namespace. Default: `linkerd`. */
  namespace?: string;
  /** Trust domain. Default: `cluster.local`. */
  trustDomain?: string;
  /** Lifetime (ms), clamped to the anchor's expiry. Default: 365 days. */
  lifetimeMs?: number;
  /** Start of validity (ms since the epoch). Default: now. */
  notBefore?: number;
  /** Serial number. Default: 1. */
  serial?: bigint;
}

function newKey(): { key: KeyObject; publicKey: KeyObject } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { key: privateKey, publicKey };
}

function credentials(der: Uint8Array, key: KeyObject): CaCredentials {
  return {
    certificate: readCertificate(der),
    certificatePem: encodePem('CERTIFICATE', der),
    key,
    keyPem: key.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}

function checkLifetime(lifetimeMs: number): void {
  if (!Number.isFinite(lifetimeMs) || lifetimeMs <= 0) {
    throw new IdentityError(
      IdentityErrorCode.Certificate,
      `lifetimeMs: expected a positive number, got ${lifetimeMs}`,
    );
  }
}

/**
 * Generates a self-signed trust anchor: ECDSA P-256, signed ECDSA-SHA256, CA with path length 1,
 * key usage keyCertSign + cRLSign. For `skein install` and the local mesh.
 */
export function generateTrustAnchor(options: TrustAnchorOptions = {}): CaCredentials {
  const lifetime = options.lifetimeMs ?? DEFAULT_CA_LIFETIME_MS;
  checkLifetime(lifetime);
  const { key, publicKey } = newKey();
  const name = commonNameDer(options.commonName ?? 'root.linkerd.cluster.local');
  const notBefore = options.notBefore ?? Date.now();
  const der = signCertificate(
    {
      serial: options.serial ?? 1n,
      subject: name,
      issuer: name,
      publicKeyInfo: publicKeyInfoOf(publicKey),
      notBefore: new Date(Math.floor(notBefore / 1000) * 1000),
      notAfter: new Date(Math.floor((notBefore + lifetime) / 1000) * 1000),
      dnsNames: [],
      keyUsage: [KeyUsageBit.keyCertSign, KeyUsageBit.cRLSign],
      extKeyUsage: [],
      caPathLength: 1,
    },
    key,
  );
  return credentials(der, key);
}

/**
 * Generates an issuer signed by `anchor`: ECDSA P-256, CA with path length 0, named
 * `identity.<namespace>.<trustDomain>` as Linkerd expects.
 */
export function generateIssuer(anchor: CaCredentials, options: IssuerOptions = {}): CaCredentials {
  const lifetime = options.lifetimeMs ?? DEFAULT_CA_LIFETIME_MS;
  checkLifetime(lifetime);
  const { key, publicKey } = newKey();
  const notBefore = options.notBefore ?? Date.now();
  const notAfter = Math.min(notBefore + lifetime, anchor.certificate.notAfter.getTime());
  const der = signCertificate(
    {
      serial: options.serial ?? 1n,
      subject: commonNameDer(
        issuerName(options.namespace ?? 'linkerd', options.trustDomain ?? 'cluster.local'),
      ),
      issuer: nameDer(anchor.certificate.parsed.subject),
      publicKeyInfo: publicKeyInfoOf(publicKey),
      notBefore: new Date(Math.floor(notBefore / 1000) * 1000),
      notAfter: new Date(Math.floor(notAfter / 1000) * 1000),
      dnsNames: [],
      keyUsage: [KeyUsageBit.keyCertSign, KeyUsageBit.cRLSign],
      extKeyUsage: [],
      caPathLength: 0,
      authorityKeyId: anchor.certificate.subjectKeyId,
    },
    anchor.key,
  );
  return credentials(der, key);
}

/** The name Linkerd expects of the issuer: `identity.<namespace>.<trustDomain>`. */
export function issuerName(namespace: string, trustDomain: string): string {
  return `identity.${namespace}.${trustDomain}`;
}
