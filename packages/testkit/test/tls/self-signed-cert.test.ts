import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../src/index.js';

const run = promisify(execFile);

describe('selfSignedCertificate', () => {
  it('makes a CA certificate that openssl parses and verifies against itself', async () => {
    const pair = selfSignedCertificate({
      commonName: 'kube-test',
      altNames: ['localhost', '127.0.0.1', '::1'],
    });
    const cert = new X509Certificate(pair.cert);
    expect(cert.subject).toBe('CN=kube-test');
    expect(cert.ca).toBe(true);
    expect(cert.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(cert.checkPrivateKey((await import('node:crypto')).createPrivateKey(pair.key))).toBe(true);
    const dir = await mkdtemp(join(tmpdir(), 'skein-cert-'));
    try {
      await writeFile(join(dir, 'cert.pem'), pair.cert);
      const text = (await run('openssl', ['x509', '-in', join(dir, 'cert.pem'), '-noout', '-text'])).stdout;
      expect(text).toContain('ecdsa-with-SHA256');
      expect(text).toContain('CA:TRUE');
      expect(text).toContain('Digital Signature, Certificate Sign, CRL Sign');
      expect(text).toContain('TLS Web Server Authentication, TLS Web Client Authentication');
      const verify = await run('openssl', [
        'verify',
        '-CAfile',
        join(dir, 'cert.pem'),
        join(dir, 'cert.pem'),
      ]);
      expect(verify.stdout.trim()).toMatch(/: OK$/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('serves TLS that curl accepts with the certificate as its CA', async () => {
    const pair = selfSignedCertificate();
    const server = createServer(pair, (_req, res) => res.end('tls ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const dir = await mkdtemp(join(tmpdir(), 'skein-cert-'));
    try {
      await writeFile(join(dir, 'ca.pem'), pair.cert);
      const out = await run('curl', ['-sS', '--cacert', join(dir, 'ca.pem'), `https://127.0.0.1:${port}/`]);
      expect(out.stdout).toBe('tls ok');
      const named = await run('curl', [
        '-sS',
        '--cacert',
        join(dir, 'ca.pem'),
        '--resolve',
        `localhost:${port}:127.0.0.1`,
        `https://localhost:${port}/`,
      ]);
      expect(named.stdout).toBe('tls ok');
    } finally {
      server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
