import { IdentityError, IdentityErrorCode } from '../errors.js';

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** One block of a PEM text. */
export interface PemBlock {
  /** The label, e.g. `CERTIFICATE` or `PRIVATE KEY`. */
  label: string;
  /** The decoded bytes. */
  der: Uint8Array;
}

/**
 * Splits PEM text into its blocks (text between blocks is ignored, as OpenSSL does).
 * @throws {@link IdentityError} when a block's body is not base64.
 */
export function decodePem(text: string, source = 'PEM'): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const match of text.matchAll(PEM_BLOCK)) {
    const body = (match[2] ?? '').replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 !== 0) {
      throw new IdentityError(
        IdentityErrorCode.Certificate,
        `${source}: the ${match[1]} block is not valid base64`,
      );
    }
    blocks.push({ label: match[1] ?? '', der: new Uint8Array(Buffer.from(body, 'base64')) });
  }
  return blocks;
}

/** Encodes DER bytes as one PEM block with 64-character lines. */
export function encodePem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/**
 * The DER of every `CERTIFICATE` block in `text`, in order.
 * @throws {@link IdentityError} when there is none.
 */
export function decodeCertificatesPem(text: string, source = 'certificate PEM'): Uint8Array[] {
  const certs = decodePem(text, source)
    .filter((b) => b.label === 'CERTIFICATE')
    .map((b) => b.der);
  if (certs.length === 0) {
    const seen = text.trim() === '' ? 'empty text' : `${text.trim().slice(0, 40)}…`;
    throw new IdentityError(
      IdentityErrorCode.Certificate,
      `${source}: expected at least one "-----BEGIN CERTIFICATE-----" block, got ${JSON.stringify(seen)}`,
    );
  }
  return certs;
}
