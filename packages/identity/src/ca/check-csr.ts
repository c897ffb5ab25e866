import { IdentityError, IdentityErrorCode } from '../errors.js';
import type { CsrInfo } from '../x509/csr.js';

/**
 * Linkerd's CSR rules for `identity`: exactly one DNS SAN, equal to the identity; a CN that is
 * empty or equal; no email, IP or URI SANs; an ECDSA key; and (Skein's addition) a signature made
 * by that key.
 * @throws {@link IdentityError} (`ERR_SKEIN_IDENTITY_CSR`) naming the rule broken and the value seen.
 */
export function checkCsr(csr: CsrInfo, identity: string): void {
  const fail = (what: string) => {
    throw new IdentityError(IdentityErrorCode.Csr, `CSR for "${identity}": ${what}`);
  };
  if (csr.altNames.dns.length !== 1 || csr.altNames.dns[0] !== identity) {
    fail(
      `expected exactly one DNS SAN "${identity}", got [${csr.altNames.dns.map((n) => `"${n}"`).join(', ')}]`,
    );
  }
  if (csr.commonName !== undefined && csr.commonName !== '' && csr.commonName !== identity) {
    fail(`the common name must be empty or "${identity}", got "${csr.commonName}"`);
  }
  const extra = [...csr.altNames.emails, ...csr.altNames.ips, ...csr.altNames.uris];
  if (extra.length > 0 || csr.altNames.all.length !== csr.altNames.dns.length) {
    fail(`only a DNS SAN is allowed, got [${csr.altNames.all.join(', ')}]`);
  }
  if (csr.publicKey.asymmetricKeyType !== 'ec') {
    fail(`expected an ECDSA public key, got ${csr.publicKey.asymmetricKeyType ?? 'an unknown key type'}`);
  }
  if (!csr.signatureValid) fail('the request signature does not verify with its public key');
}
