import {
  CertificateAuthority,
  DEFAULT_CA_LIFETIME_MS,
  encodePem,
  generateKeyMaterial,
  generateTrustAnchor,
  parseCsr,
} from '@skein/identity';

/** A webhook's serving certificate and the CA bundle the API server verifies it with. */
export interface WebhookCertificate {
  /** Serving certificate (PEM), for the Secret's `tls.crt`. */
  readonly crtPEM: string;
  /** Serving key (PKCS#8 PEM), for the Secret's `tls.key`. */
  readonly keyPEM: string;
  /** CA certificate (PEM), for the webhook configuration's `caBundle`. */
  readonly caBundle: string;
}

/**
 * Generates a serving certificate for the webhook Service `<service>.<namespace>.svc` (the name
 * the API server checks), signed by a fresh CA used only for it, valid one year.
 */
export function generateWebhookCertificate(
  service: string,
  namespace: string,
  options: { now?: number; lifetimeMs?: number } = {},
): WebhookCertificate {
  const now = options.now ?? Date.now();
  const lifetimeMs = options.lifetimeMs ?? DEFAULT_CA_LIFETIME_MS;
  const dnsName = `${service}.${namespace}.svc`;
  const ca = generateTrustAnchor({
    commonName: `webhook-ca.${dnsName}`,
    notBefore: now,
    lifetimeMs: lifetimeMs + 60_000,
  });
  const authority = new CertificateAuthority({
    issuer: { certificate: ca.certificate, chain: [], key: ca.key },
    lifetimeMs,
    now: () => now,
  });
  const material = generateKeyMaterial(dnsName);
  const issued = authority.issue(parseCsr(material.csr));
  return {
    crtPEM: encodePem('CERTIFICATE', issued.leaf),
    keyPEM: material.keyPem,
    caBundle: ca.certificatePem,
  };
}
