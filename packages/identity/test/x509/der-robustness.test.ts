import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateKeyMaterial } from '../../src/client/key-material.js';
import { IdentityError } from '../../src/errors.js';
import { generateTrustAnchor } from '../../src/trust/generate.js';
import { parseCsr } from '../../src/x509/csr.js';

const csr = generateKeyMaterial('web.ns.serviceaccount.identity.linkerd.cluster.local').csr;

function outcome(bytes: Uint8Array): 'ok' | 'identity-error' | string {
  try {
    parseCsr(bytes);
    return 'ok';
  } catch (err) {
    return err instanceof IdentityError ? 'identity-error' : `unexpected ${String(err)}`;
  }
}

describe('CSR parsing of hostile input', () => {
  it('only ever succeeds or throws IdentityError, for random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) =>
        ['ok', 'identity-error'].includes(outcome(bytes)),
      ),
      { numRuns: 2000 },
    );
  });

  it('only ever succeeds or throws IdentityError, for truncated and bit-flipped CSRs', () => {
    fc.assert(
      fc.property(fc.nat(csr.length - 1), fc.nat(255), fc.boolean(), (at, value, truncate) => {
        const bytes = truncate ? csr.slice(0, at) : csr.slice();
        if (!truncate) bytes[at] = value;
        const result = outcome(bytes);
        // A changed byte either breaks the structure or (if it parses) the signature.
        if (result === 'ok' && !truncate && value !== csr[at])
          return parseCsr(bytes).signatureValid === false;
        return result === 'ok' || result === 'identity-error';
      }),
      { numRuns: 3000 },
    );
  });

  it('rejects trailing bytes after the request', () => {
    expect(() => parseCsr(new Uint8Array([...csr, 0]))).toThrow(/1 bytes after the request/);
  });
});

describe('certificate times', () => {
  it('writes GeneralizedTime from 2050 on, read back exactly', () => {
    const notBefore = Date.UTC(2049, 11, 31, 23, 59, 59);
    const anchor = generateTrustAnchor({ notBefore, lifetimeMs: 3 * 365 * 24 * 3600_000 });
    expect(anchor.certificate.notBefore.toISOString()).toBe('2049-12-31T23:59:59.000Z');
    expect(anchor.certificate.notAfter.getUTCFullYear()).toBe(2052);
    expect(anchor.certificate.x509.validTo).toMatch(/2052 GMT$/);
  });
});
