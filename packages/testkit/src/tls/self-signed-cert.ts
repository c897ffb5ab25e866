import { generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import {
  bitString,
  explicit,
  generalizedTime,
  integer,
  octetString,
  oid,
  sequence,
  set,
  TRUE,
  tlv,
  utf8,
} from './der-writer.js';

/** A certificate and its key, PEM-encoded. */
export interface CertificatePair {
  /** The certificate (PEM). */
  cert: string;
  /** The PKCS#8 private key (PEM). */
  key: string;
}

/** What to put in a self-signed certificate. */
export interface SelfSignedOptions {
  /** Subject common name. */
  commonName?: string;
  /** DNS names and IP addresses for subjectAltName. */
  altNames?: string[];
  /** Validity in days from one hour ago. */
  days?: number;
}

function altName(name: string): Buffer {
  const family = isIP(name);
  if (family === 4) return tlv(0x87, Buffer.from(name.split('.').map(Number)));
  if (family === 6) {
    const full = new URL(`http://[${name}]`).hostname.slice(1, -1);
    const [head = '', tail = ''] = full.split('::');
    const h = head === '' ? [] : head.split(':');
    const t = tail === '' ? [] : tail.split(':');
    const groups = full.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
    return tlv(0x87, Buffer.from(groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff])));
  }
  return tlv(0x82, Buffer.from(name, 'ascii'));
}

/**
 * Makes a self-signed ECDSA P-256 certificate (also a CA, so it can be its own trust anchor)
 * for a test server. Written with node:crypto and a small DER encoder: no openssl process.
 */
export function selfSignedCertificate(options: SelfSignedOptions = {}): CertificatePair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const name = sequence(set(sequence(oid('2.5.4.3'), utf8(options.commonName ?? 'skein-testkit'))));
  const now = Date.now();
  const notBefore = new Date(now - 3600_000);
  const notAfter = new Date(now + (options.days ?? 30) * 86_400_000);
  const ecdsaSha256 = sequence(oid('1.2.840.10045.4.3.2'));
  const alt = options.altNames ?? ['localhost', '127.0.0.1', '::1'];
  const extensions = explicit(
    3,
    sequence(
      sequence(oid('2.5.29.19'), TRUE, octetString(sequence(TRUE))),
      // keyUsage: digitalSignature, keyCertSign, cRLSign
      sequence(oid('2.5.29.15'), TRUE, octetString(bitString(Buffer.from([0x86]), 1))),
      sequence(oid('2.5.29.37'), octetString(sequence(oid('1.3.6.1.5.5.7.3.1'), oid('1.3.6.1.5.5.7.3.2')))),
      sequence(oid('2.5.29.17'), octetString(sequence(...alt.map(altName)))),
    ),
  );
  const serial = randomBytes(16);
  serial[0]! &= 0x7f;
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))),
    integer(serial),
    ecdsaSha256,
    name,
    sequence(generalizedTime(notBefore), generalizedTime(notAfter)),
    name,
    spki,
    extensions,
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = sequence(tbs, ecdsaSha256, bitString(signature));
  const cert = new X509Certificate(der).toString();
  const key = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  return { cert, key };
}
