import { mkdirSync, renameSync, symlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { firstValueFrom, take, toArray } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type IssuerLoad,
  loadIssuerDirectory,
  watchIssuerDirectory,
} from '../../src/issuer/issuer-directory.js';
import { generateIssuer, generateTrustAnchor } from '../../src/trust/generate.js';
import { tempDir } from '../support/pki.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const anchor = generateTrustAnchor();

describe('loadIssuerDirectory', () => {
  it('reads crt.pem/key.pem and tls.crt/tls.key', async () => {
    const a = generateIssuer(anchor, { serial: 7n });
    mkdirSync(join(tmp.dir, 'linkerd'));
    tmp.write('linkerd/crt.pem', a.certificatePem);
    tmp.write('linkerd/key.pem', a.keyPem);
    expect((await loadIssuerDirectory(join(tmp.dir, 'linkerd'))).certificate.serialNumber).toBe('7');
    mkdirSync(join(tmp.dir, 'certmanager'));
    tmp.write('certmanager/tls.crt', a.certificatePem);
    tmp.write('certmanager/tls.key', a.keyPem);
    expect((await loadIssuerDirectory(join(tmp.dir, 'certmanager'))).certificate.subjectCommonName).toBe(
      'identity.linkerd.cluster.local',
    );
  });

  it('names what is missing', async () => {
    mkdirSync(join(tmp.dir, 'empty'));
    await expect(loadIssuerDirectory(join(tmp.dir, 'empty'))).rejects.toThrow(
      /issuer directory .*empty: expected crt.pem\/key.pem or tls.crt\/tls.key/,
    );
  });
});

describe('watchIssuerDirectory', () => {
  it('emits the issuer, then again when a Kubernetes-style ..data swap changes it, and reports bad files', async () => {
    // The layout the kubelet's atomic writer makes: files are symlinks through ..data to a timestamped dir.
    const dir = join(tmp.dir, 'mounted');
    mkdirSync(join(dir, 'v1'), { recursive: true });
    const first = generateIssuer(anchor, { serial: 1n });
    tmp.write('mounted/v1/crt.pem', first.certificatePem);
    tmp.write('mounted/v1/key.pem', first.keyPem);
    symlinkSync('v1', join(dir, '..data'));
    symlinkSync('..data/crt.pem', join(dir, 'crt.pem'));
    symlinkSync('..data/key.pem', join(dir, 'key.pem'));

    const loads: IssuerLoad[] = [];
    const done = firstValueFrom(watchIssuerDirectory(dir, { pollMs: 100 }).pipe(take(3), toArray()));
    const sub = watchIssuerDirectory(dir, { pollMs: 100 }).subscribe((l) => loads.push(l));
    await new Promise((r) => setTimeout(r, 250));
    const second = generateIssuer(anchor, { serial: 2n });
    mkdirSync(join(dir, 'v2'));
    tmp.write('mounted/v2/crt.pem', second.certificatePem);
    tmp.write('mounted/v2/key.pem', second.keyPem);
    symlinkSync('v2', join(dir, '..data_tmp'));
    renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
    await new Promise((r) => setTimeout(r, 300));
    mkdirSync(join(dir, 'v3'));
    tmp.write('mounted/v3/crt.pem', second.certificatePem);
    tmp.write('mounted/v3/key.pem', first.keyPem);
    unlinkSync(join(dir, '..data'));
    symlinkSync('v3', join(dir, '..data'));
    const [a, b, c] = await done;
    for (let i = 0; i < 40 && loads.length < 3; i++) await new Promise((r) => setTimeout(r, 50));
    sub.unsubscribe();
    expect(a?.ok && a.issuer.certificate.serialNumber).toBe('1');
    expect(b?.ok && b.issuer.certificate.serialNumber).toBe('2');
    expect(c?.ok).toBe(false);
    expect(!c?.ok && c?.error.message).toMatch(/the private key does not belong to the certificate/);
    // the second subscriber saw the same sequence, each change once
    expect(loads.map((l) => (l.ok ? l.issuer.certificate.serialNumber : 'error'))).toEqual([
      '1',
      '2',
      'error',
    ]);
  });
});
