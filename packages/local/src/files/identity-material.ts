import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateIssuer, generateTrustAnchor } from '@skein/identity';
import type { MeshPlan } from '../plan/mesh-plan.js';

/** Where the identity files of a run are. */
export interface IdentityMaterial {
  /** The trust anchor, PEM (what proxies get as `LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS`). */
  readonly anchorsPem: string;
  /** The anchor file. */
  readonly anchorsFile: string;
  /** The issuer directory (`crt.pem`, `key.pem`). */
  readonly issuerDir: string;
  /** The identity service's token file (`<token> <ns>/<sa>` per line). */
  readonly tokensFile: string;
  /** Per pod: its token file. */
  readonly tokenFiles: ReadonlyMap<string, string>;
}

/** A pod that gets a token: its name, namespace and service account. */
export interface TokenHolder {
  readonly pod: string;
  readonly namespace: string;
  readonly serviceAccount: string;
}

/**
 * Generates a fresh trust anchor and issuer for this run (never reused: a run's certificates
 * mean nothing to the next) and a random token per pod of the plan (and per `others`), bound
 * to its service account, written under `dir` with owner-only permissions.
 */
export async function writeIdentityMaterial(
  plan: MeshPlan,
  dir: string,
  others: readonly TokenHolder[] = [],
): Promise<IdentityMaterial> {
  const anchor = generateTrustAnchor();
  const issuer = generateIssuer(anchor, {
    namespace: plan.controlPlaneNamespace,
    trustDomain: plan.clusterDomain,
  });
  const issuerDir = join(dir, 'issuer');
  await mkdir(issuerDir, { recursive: true, mode: 0o700 });
  const anchorsFile = join(dir, 'trust-anchors.pem');
  await writeFile(anchorsFile, anchor.certificatePem, { mode: 0o644 });
  await writeFile(join(issuerDir, 'crt.pem'), issuer.certificatePem, { mode: 0o644 });
  await writeFile(join(issuerDir, 'key.pem'), issuer.keyPem, { mode: 0o600 });
  const tokenFiles = new Map<string, string>();
  const lines: string[] = [];
  const holders: TokenHolder[] = [
    ...plan.pods.map((p) => ({ pod: p.name, namespace: plan.namespace, serviceAccount: p.serviceAccount })),
    ...others,
  ];
  for (const holder of holders) {
    const token = randomBytes(24).toString('hex');
    lines.push(`${token} ${holder.namespace}/${holder.serviceAccount}`);
    const podDir = join(dir, 'pods', holder.pod);
    await mkdir(join(podDir, 'identity'), { recursive: true });
    const file = join(podDir, 'token');
    await writeFile(file, token, { mode: 0o600 });
    tokenFiles.set(holder.pod, file);
  }
  const tokensFile = join(dir, 'tokens.txt');
  await writeFile(tokensFile, `${lines.join('\n')}\n`, { mode: 0o600 });
  return { anchorsPem: anchor.certificatePem, anchorsFile, issuerDir, tokensFile, tokenFiles };
}
