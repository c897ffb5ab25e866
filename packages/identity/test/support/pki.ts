import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  CertificateAuthority,
  type CertificateAuthorityOptions,
} from '../../src/ca/certificate-authority.js';
import { issuerFromPem } from '../../src/ca/issuer-credentials.js';
import { generateKeyMaterial } from '../../src/client/key-material.js';
import { type WorkloadCredentials, workloadCredentials } from '../../src/client/workload-credentials.js';
import type { CredentialsSource } from '../../src/tls/mesh-tls-server.js';
import { type CaCredentials, generateIssuer, generateTrustAnchor } from '../../src/trust/generate.js';
import { TrustAnchors } from '../../src/trust/trust-anchors.js';
import { readCertificate } from '../../src/x509/certificate-info.js';
import { parseCsr } from '../../src/x509/csr.js';

const run = promisify(execFile);

/** A trust anchor, an issuer signed by it, and a CA issuing from that issuer. */
export interface TestPki {
  anchor: CaCredentials;
  issuer: CaCredentials;
  anchors: TrustAnchors;
  ca: CertificateAuthority;
}

/** Builds a fresh PKI; `caOptions` tune the CA (clock, lifetime). */
export function testPki(
  caOptions: Partial<CertificateAuthorityOptions> = {},
  anchorName = 'root.linkerd.cluster.local',
): TestPki {
  const anchor = generateTrustAnchor({ commonName: anchorName });
  const issuer = generateIssuer(anchor);
  const ca = new CertificateAuthority({
    issuer: issuerFromPem({ certificatePem: issuer.certificatePem, keyPem: issuer.keyPem }),
    ...caOptions,
  });
  return { anchor, issuer, anchors: TrustAnchors.fromPem(anchor.certificatePem), ca };
}

/** Workload credentials for `identity` issued directly by `pki`'s CA (no gRPC). */
export function issueCredentials(pki: TestPki, identity: string, anchors = pki.anchors): WorkloadCredentials {
  const keys = generateKeyMaterial(identity);
  const issued = pki.ca.issue(parseCsr(keys.csr));
  return workloadCredentials({
    localName: identity,
    certificate: readCertificate(issued.leaf),
    intermediates: issued.intermediates.map((d) => readCertificate(d)),
    privateKey: keys.privateKey,
    keyPem: keys.keyPem,
    trustAnchors: anchors,
    validUntil: issued.validUntil,
  });
}

/** A credentials source whose value the test sets. */
export class TestCredentials implements CredentialsSource {
  current: WorkloadCredentials | undefined;

  constructor(current?: WorkloadCredentials) {
    this.current = current;
  }
}

/** A temporary directory removed by `cleanup`. */
export function tempDir(): {
  dir: string;
  write(name: string, data: string | Uint8Array): string;
  cleanup(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'skein-identity-'));
  return {
    dir,
    write(name, data) {
      const path = join(dir, name);
      writeFileSync(path, data);
      return path;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Runs openssl; resolves with stdout+stderr and the exit code (never rejects on a non-zero exit). */
export async function openssl(args: string[], input?: string): Promise<{ code: number; output: string }> {
  try {
    const child = run('openssl', args, { timeout: 10_000 });
    if (input !== undefined) {
      child.child.stdin?.end(input);
    }
    const { stdout, stderr } = await child;
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/** A service-account identity in the default control plane. */
export function saIdentity(sa: string, ns: string): string {
  return `${sa}.${ns}.serviceaccount.identity.linkerd.cluster.local`;
}
