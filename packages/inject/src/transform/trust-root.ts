import { createHash } from 'node:crypto';

/** The `linkerd.io/trust-root-sha256` value: the hex SHA-256 of the trust anchors PEM. */
export function trustRootSha256(pem: string): string {
  return createHash('sha256').update(pem).digest('hex');
}
