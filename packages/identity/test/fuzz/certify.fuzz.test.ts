import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { credentials, Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { IdentityClient, identity as proto } from '@skein/core/proto';
import { expectTyped, FuzzSuite } from '@skein/testkit';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { issuerFromPem } from '../../src/ca/issuer-credentials.js';
import { startCertifyServer } from '../../src/certify/certify-server.js';
import { CertifyRejectedError, CertifyService } from '../../src/certify/certify-service.js';
import { TokenRejectedError } from '../../src/certify/token-validator.js';
import { IdentityError } from '../../src/errors.js';
import { generateIssuer, generateTrustAnchor } from '../../src/trust/generate.js';
import { TrustAnchors } from '../../src/trust/trust-anchors.js';
import { readCertificate } from '../../src/x509/certificate-info.js';
import { createCsr, parseCsr } from '../../src/x509/csr.js';

// Certify (spec control plane §6) is the identity service's only door: it parses a CSR (DER)
// from any pod that can reach it. Whatever comes in, the answer is a certificate for exactly the
// identity the token proves, or a refusal with Linkerd's status codes, never a crash.

const NAMESPACE = 'demo';
const idOf = (sa: string) => `${sa}.${NAMESPACE}.serviceaccount.identity.linkerd.cluster.local`;
const TOKENS: Record<string, string> = { 'token-web': 'web', 'token-db': 'db' };
/** A valid certificate, to mutate one byte at a time. */
const SAMPLE_CERT = generateTrustAnchor().certificate.der;

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
const keys = Array.from({ length: 3 }, () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
const validCsrs = new Map<string, Uint8Array>();
const csrFor = (identity: string, key = 0) => {
  const k = `${key}:${identity}`;
  let csr = validCsrs.get(k);
  if (csr === undefined) {
    csr = createCsr(keys[key]!, identity);
    validCsrs.set(k, csr);
  }
  return csr;
};
const mutate = (bytes: Uint8Array, edits: [number, number][]) => {
  const out = Uint8Array.from(bytes);
  for (const [at, v] of edits) out[at % out.length] = v;
  return out;
};

/** CSRs: valid ones for chosen identities, mutated ones, truncated ones and random bytes. */
const csr = fc.oneof(
  fc.tuple(fc.constantFrom('web', 'db', 'other'), fc.nat(2)).map(([sa, k]) => csrFor(idOf(sa), k)),
  fc
    .tuple(
      fc.constantFrom('web', 'db'),
      fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 }),
    )
    .map(([sa, edits]) => mutate(csrFor(idOf(sa)), edits)),
  fc
    .tuple(fc.constantFrom('web', 'db'), fc.nat())
    .map(([sa, cut]) => csrFor(idOf(sa)).subarray(0, cut % 300)),
  fc.uint8Array({ maxLength: 400 }),
);
const request = fc.record({
  identity: fc.oneof(
    fc.constantFrom(idOf('web'), idOf('db'), ''),
    label.map(idOf),
    fc.string({ maxLength: 30 }),
  ),
  token: fc.oneof(
    fc.constantFrom('token-web', 'token-db', '').map((t) => Buffer.from(t)),
    fc.uint8Array({ maxLength: 40 }),
  ),
  certificateSigningRequest: csr,
});

describe('fuzz: Certify (identity service)', () => {
  const suite = new FuzzSuite({
    id: 'identity-certify',
    target:
      "The identity service's Certify path: the CSR parser on random, truncated and mutated DER, the certificate reader, CertifyService.certify on arbitrary identity/token/CSR combinations, and the gRPC Certify method on arbitrary request bytes",
    expected:
      "IdentityError for bad DER; CertifyRejectedError (InvalidArgument, FailedPrecondition…) for every bad request; a certificate only for the identity the token proves, holding the CSR's key; over gRPC never INTERNAL or UNKNOWN for a request that decodes",
    msPerRun: 30,
  });
  const anchor = generateTrustAnchor();
  const issuerPem = generateIssuer(anchor);
  const service = new CertifyService({
    trustAnchors: TrustAnchors.fromPem(anchor.certificatePem, 'fuzz anchors'),
    validator: {
      validate: async (token) => {
        const sa = TOKENS[Buffer.from(token).toString('utf8')];
        if (sa === undefined) throw new TokenRejectedError('unauthenticated', 'unknown token');
        return { namespace: NAMESPACE, serviceAccount: sa };
      },
    },
    issuer: issuerFromPem({ certificatePem: issuerPem.certificatePem, keyPem: issuerPem.keyPem }),
  });
  let server: Awaited<ReturnType<typeof startCertifyServer>>;
  let client: IdentityClient;

  beforeAll(async () => {
    server = await startCertifyServer(service, '127.0.0.1:0');
    client = new IdentityClient(`127.0.0.1:${server.port}`, credentials.createInsecure());
  });

  afterAll(async () => {
    client.close();
    await server.close(100);
  });

  suite.property('valid CSRs parse back to their identity and key', fc.tuple(label, fc.nat(2)), ([sa, k]) => {
    const info = parseCsr(csrFor(idOf(sa), k));
    expect(info.altNames.dns).toEqual([idOf(sa)]);
    expect(info.signatureValid).toBe(true);
  });

  suite.property('any bytes as a CSR: CsrInfo or IdentityError', csr, (der) => {
    try {
      parseCsr(der);
    } catch (err) {
      expectTyped(err, IdentityError);
    }
  });

  suite.property(
    'random bytes as a certificate: CertificateInfo or IdentityError',
    // Random bytes, and valid certificates with one byte changed (a control character inside
    // notBefore, a broken curve OID: node:crypto fails on those lazily).
    fc.oneof(
      fc.uint8Array({ maxLength: 600 }),
      fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([at, byte]) => {
        const der = Uint8Array.from(SAMPLE_CERT);
        der[at % der.length] = byte;
        return der;
      }),
    ),
    (der) => {
      try {
        readCertificate(der);
      } catch (err) {
        expectTyped(err, IdentityError);
      }
    },
  );

  suite.asyncProperty(
    'certify: a certificate only for the identity the token proves, else CertifyRejectedError',
    request,
    async (req) => {
      let result: Awaited<ReturnType<CertifyService['certify']>>;
      try {
        result = await service.certify(req);
      } catch (err) {
        expectTyped(err, CertifyRejectedError);
        expect([status.INVALID_ARGUMENT, status.FAILED_PRECONDITION, status.UNAVAILABLE]).toContain(
          (err as CertifyRejectedError).grpcCode,
        );
        return;
      }
      const proven = TOKENS[Buffer.from(req.token).toString('utf8')];
      expect(proven).toBeDefined();
      expect(req.identity).toBe(idOf(proven!));
      const leaf = readCertificate(result.leafCertificate);
      expect(leaf.altNames.dns).toEqual([req.identity]);
      const spki = (k: KeyObject) => k.export({ type: 'spki', format: 'der' });
      expect(spki(leaf.x509.publicKey)).toEqual(spki(parseCsr(req.certificateSigningRequest).publicKey));
    },
  );

  suite.asyncProperty(
    'gRPC Certify with arbitrary request bytes: a certificate or a Linkerd status, never INTERNAL for a decodable request',
    fc.oneof(
      request.map((r) => proto.CertifyRequest.encode(r).finish()),
      fc.uint8Array({ maxLength: 300 }),
    ),
    async (bytes) => {
      const code = await new Promise<number>((resolve) => {
        // The raw bytes go on the wire as the request message, as a hostile client could send them.
        client.makeUnaryRequest(
          '/io.linkerd.proxy.identity.Identity/Certify',
          (b: Uint8Array) => Buffer.from(b),
          (b: Buffer) => b,
          bytes,
          new Metadata(),
          { deadline: Date.now() + 10_000 },
          (err: ServiceError | null) => resolve(err === null ? status.OK : err.code),
        );
      });
      let decodes = true;
      try {
        proto.CertifyRequest.decode(bytes);
      } catch {
        decodes = false;
      }
      // Bytes that are not a CertifyRequest never reach the service: grpc-js answers INTERNAL.
      const allowed = decodes
        ? [status.OK, status.INVALID_ARGUMENT, status.FAILED_PRECONDITION, status.UNAVAILABLE]
        : [status.INTERNAL];
      expect(allowed).toContain(code);
    },
    Math.max(30, Math.floor(Number(process.env.SKEIN_FUZZ_RUNS ?? 300) / 4)),
  );

  suite.record();
});
