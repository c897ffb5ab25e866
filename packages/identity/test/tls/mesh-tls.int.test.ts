import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { connect as netConnect } from 'node:net';
import { createServer as createTlsServer, type TLSSocket, connect as tlsConnect } from 'node:tls';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CertificateAuthority } from '../../src/ca/certificate-authority.js';
import { generateKeyMaterial } from '../../src/client/key-material.js';
import { workloadCredentials } from '../../src/client/workload-credentials.js';
import { IdentityError, IdentityErrorCode } from '../../src/errors.js';
import { MeshTlsDialer } from '../../src/tls/mesh-tls-dialer.js';
import { type AcceptedConnection, createMeshTlsServer } from '../../src/tls/mesh-tls-server.js';
import { TRANSPORT_ALPN } from '../../src/tls/tls-settings.js';
import { readCertificate } from '../../src/x509/certificate-info.js';
import { decodeCertificatesPem, encodePem } from '../../src/x509/pem.js';
import { type EchoServer, roundTrip, startEchoServer } from '../support/mesh-servers.js';
import { issueCredentials, openssl, saIdentity, TestCredentials, tempDir, testPki } from '../support/pki.js';

const pki = testPki();
const web = saIdentity('web', 'emojivoto');
const vote = saIdentity('voting', 'emojivoto');
const webCreds = issueCredentials(pki, web);
const voteCreds = issueCredentials(pki, vote);
const servers: EchoServer[] = [];
const sockets: TLSSocket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const s of servers.splice(0)) await s.close();
});

async function echo(
  source = new TestCredentials(webCreds),
  options: Parameters<typeof startEchoServer>[1] = {},
) {
  const server = await startEchoServer(source, options);
  servers.push(server);
  return server;
}

async function dial(
  port: number,
  source = new TestCredentials(voteCreds),
  opts: Partial<Parameters<MeshTlsDialer['connect']>[0]> = {},
) {
  const socket = await new MeshTlsDialer(source).connect({
    host: '127.0.0.1',
    port,
    serverName: web,
    ...opts,
  });
  sockets.push(socket);
  return socket;
}

async function expectCode(p: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(IdentityError);
  expect((err as IdentityError).code).toBe(code);
  expect((err as Error).message).toMatch(message);
}

describe('mesh mTLS between two endpoints', () => {
  it('completes a TLS 1.3 handshake with the issued certificates; each side sees the other’s identity', async () => {
    const server = await echo();
    const accepted = server.next();
    const socket = await dial(server.port, undefined, { alpnProtocols: [TRANSPORT_ALPN] });
    expect(socket.getProtocol()).toBe('TLSv1.3');
    expect(socket.alpnProtocol).toBe(TRANSPORT_ALPN);
    expect(socket.getPeerX509Certificate()?.subjectAltName).toBe(`DNS:${web}`);
    expect(await roundTrip(socket)).toBe(`id=${vote}`);
    const conn = (await accepted) as AcceptedConnection;
    expect(conn.peerIdentity).toBe(vote);
    expect(conn.serverName).toBe(web);
    expect(conn.alpnProtocol).toBe(TRANSPORT_ALPN);
    expect(conn.socket.getCipher().name).toMatch(
      /^TLS_(AES_128_GCM_SHA256|AES_256_GCM_SHA384|CHACHA20_POLY1305_SHA256)$/,
    );
  });

  it('negotiates h2 when the client offers only h2, and works over an already-connected socket', async () => {
    const server = await echo();
    const tcp = netConnect(server.port, '127.0.0.1');
    await new Promise((r) => tcp.once('connect', r));
    const socket = await dial(0, undefined, { socket: tcp, alpnProtocols: ['h2'] });
    expect(socket.alpnProtocol).toBe('h2');
    expect(await roundTrip(socket)).toBe(`id=${vote}`);
  });

  it('terminates TLS on a socket whose first bytes were read and put back (peeked ClientHello)', async () => {
    const server = await echo(undefined, { peek: true });
    const socket = await dial(server.port);
    expect(await roundTrip(socket)).toBe(`id=${vote}`);
  });

  it('rejects a server whose identity is not the one discovery gave', async () => {
    const server = await echo();
    await expectCode(
      dial(server.port, undefined, { serverIdentity: saIdentity('api', 'emojivoto') }),
      IdentityErrorCode.Identity,
      /server identity mismatch: expected "api\.emojivoto\.serviceaccount\.identity\.linkerd\.cluster\.local", the server's certificate has \[DNS:web\.emojivoto/,
    );
  });

  it('never presents an expired certificate, on either side (refresh kept failing: fail closed)', async () => {
    const past = Date.now() - 3 * 24 * 3600_000;
    const expiredPki = { ...pki, ca: new CertificateAuthority({ issuer: pki.ca.issuer, now: () => past }) };
    const expiredWeb = issueCredentials(expiredPki, web);
    const server = await echo(new TestCredentials(expiredWeb));
    const refusedHere = server.next();
    await expectCode(dial(server.port), IdentityErrorCode.Handshake, /./);
    const serverSide = await refusedHere;
    expect((serverSide as IdentityError).code).toBe(IdentityErrorCode.Expired);
    expect((serverSide as Error).message).toMatch(/certificate of web\.emojivoto.* expired at/);

    const good = await echo();
    await expectCode(
      dial(good.port, new TestCredentials(issueCredentials(expiredPki, vote))),
      IdentityErrorCode.Expired,
      /our certificate expired at/,
    );
  });

  it('rejects a peer presenting an expired certificate, as server or as client', async () => {
    const past = Date.now() - 3 * 24 * 3600_000;
    const expiredPki = { ...pki, ca: new CertificateAuthority({ issuer: pki.ca.issuer, now: () => past }) };
    // A foreign server (plain Node TLS) presenting an expired certificate.
    const expiredWeb = issueCredentials(expiredPki, web);
    const foreign = createTlsServer(
      { cert: expiredWeb.certificatePem, key: expiredWeb.keyPem, minVersion: 'TLSv1.3' },
      (s) => s.end(),
    );
    foreign.listen(0, '127.0.0.1');
    await once(foreign, 'listening');
    try {
      await expectCode(
        dial((foreign.address() as AddressInfo).port),
        IdentityErrorCode.Handshake,
        /certificate has expired \(CERT_HAS_EXPIRED\)/,
      );
    } finally {
      foreign.close();
    }

    // A foreign client presenting an expired certificate to a Skein server.
    const good = await echo();
    const refused = good.next();
    const expiredVote = issueCredentials(expiredPki, vote);
    // TLS 1.3: the client finishes before the server checks its certificate; the server then closes.
    const socket = tlsConnect({
      host: '127.0.0.1',
      port: good.port,
      servername: web,
      cert: expiredVote.certificatePem,
      key: expiredVote.keyPem,
      ca: pki.anchors.pem,
      checkServerIdentity: () => undefined,
    });
    socket.on('error', () => {});
    sockets.push(socket);
    const outcome = await refused;
    expect(outcome).toBeInstanceOf(IdentityError);
    expect((outcome as IdentityError).code).toBe(IdentityErrorCode.Chain);
    expect((outcome as Error).message).toMatch(/certificate "voting\.emojivoto.*" has expired/);
  });

  it('rejects certificates from another CA on both sides', async () => {
    const other = testPki({}, 'other-root');
    const server = await echo(new TestCredentials(issueCredentials(other, web)));
    await expectCode(
      dial(server.port),
      IdentityErrorCode.Handshake,
      /unable to get local issuer certificate|UNABLE_TO_GET_ISSUER_CERT/,
    );

    const good = await echo();
    const refused = good.next();
    await dial(good.port, new TestCredentials(issueCredentials(other, vote, pki.anchors))).catch(
      () => undefined,
    );
    const outcome = await refused;
    expect((outcome as IdentityError).code).toBe(IdentityErrorCode.Chain);
    expect((outcome as Error).message).toMatch(
      /does not chain to the trust anchors \("root\.linkerd\.cluster\.local"\)/,
    );
  });

  it('rejects a client certificate whose EKU does not allow client authentication (made by openssl)', async () => {
    const tmp = tempDir();
    try {
      const keys = generateKeyMaterial(vote);
      const csr = tmp.write('vote.csr', encodePem('CERTIFICATE REQUEST', keys.csr));
      const ext = tmp.write('ext.cnf', `extendedKeyUsage=serverAuth\nsubjectAltName=DNS:${vote}\n`);
      const out = `${tmp.dir}/vote.pem`;
      const made = await openssl([
        'x509',
        '-req',
        '-in',
        csr,
        '-CA',
        tmp.write('issuer.pem', pki.issuer.certificatePem),
        '-CAkey',
        tmp.write('issuer.key', pki.issuer.keyPem),
        '-set_serial',
        '99',
        '-days',
        '1',
        '-extfile',
        ext,
        '-out',
        out,
      ]);
      expect(made.code).toBe(0);
      const leaf = readCertificate(decodeCertificatesPem(readFileSync(out, 'utf8'))[0] ?? new Uint8Array());
      expect(leaf.extKeyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
      const creds = workloadCredentials({
        localName: vote,
        certificate: leaf,
        intermediates: [pki.issuer.certificate],
        privateKey: keys.privateKey,
        keyPem: keys.keyPem,
        trustAnchors: pki.anchors,
      });
      const server = await echo();
      const refused = server.next();
      await dial(server.port, new TestCredentials(creds)).catch(() => undefined);
      const outcome = await refused;
      expect((outcome as IdentityError).code).toBe(IdentityErrorCode.Chain);
      expect((outcome as Error).message).toMatch(
        /is not for client authentication \(EKU 1\.3\.6\.1\.5\.5\.7\.3\.1\)/,
      );
    } finally {
      tmp.cleanup();
    }
  });

  it('rejects a plaintext client with a clear error, and fails closed against a plaintext server', async () => {
    const server = await echo();
    const refused = server.next();
    const tcp = netConnect(server.port, '127.0.0.1');
    tcp.on('error', () => {});
    tcp.write('GET / HTTP/1.1\r\nHost: web\r\n\r\n');
    const outcome = await refused;
    expect((outcome as IdentityError).code).toBe(IdentityErrorCode.Handshake);
    expect((outcome as Error).message).toMatch(
      /^TLS handshake failed: .*(wrong version number|http request|unexpected)/i,
    );
    tcp.destroy();

    const { createServer } = await import('node:net');
    const plain = createServer((s) => s.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
    try {
      await expectCode(
        dial((plain.address() as AddressInfo).port),
        IdentityErrorCode.Handshake,
        /TLS handshake with "web\..*" failed/,
      );
    } finally {
      plain.close();
    }
  });

  it('refuses TLS before the first certificate, and allows an anonymous client when asked', async () => {
    const uncertified = await echo(new TestCredentials());
    const refused = uncertified.next();
    await dial(uncertified.port).catch(() => undefined);
    // the dialer itself refuses without credentials
    await expectCode(
      dial(uncertified.port, new TestCredentials()),
      IdentityErrorCode.NotCertified,
      /no certificate has been obtained yet/,
    );
    const tcp = netConnect(uncertified.port, '127.0.0.1');
    tcp.on('error', () => {});
    const outcome = await refused;
    expect((outcome as IdentityError).code).toBe(IdentityErrorCode.NotCertified);
    tcp.destroy();

    const server = await echo();
    const anonymous = await new MeshTlsDialer(new TestCredentials(), { trustAnchors: pki.anchors }).connect({
      host: '127.0.0.1',
      port: server.port,
      serverName: web,
      anonymous: true,
    });
    sockets.push(anonymous);
    expect(await roundTrip(anonymous)).toBe('id=-');
  });

  it('refuses TLS 1.2 clients', async () => {
    const server = await echo();
    const refused = server.next();
    const old = tlsConnect({
      port: server.port,
      host: '127.0.0.1',
      servername: web,
      maxVersion: 'TLSv1.2',
      ca: pki.anchors.pem,
    });
    const err = await new Promise<Error>((resolve) => old.once('error', resolve));
    expect(err.message).toMatch(/protocol version|alert/i);
    expect(((await refused) as Error).message).toMatch(/unsupported protocol|version/i);
  });

  it('does not resume sessions', async () => {
    const server = await echo();
    const first = tlsConnect({
      port: server.port,
      host: '127.0.0.1',
      servername: web,
      ca: pki.anchors.pem,
      cert: voteCreds.certificatePem,
      key: voteCreds.keyPem,
      checkServerIdentity: () => undefined,
    });
    sockets.push(first);
    await new Promise((r) => first.once('secureConnect', r));
    await roundTrip(first);
    const session = await new Promise<Buffer | undefined>((resolve) => {
      first.once('session', resolve);
      setTimeout(() => resolve(first.getSession()), 200);
    });
    first.end();
    const second = tlsConnect({
      port: server.port,
      host: '127.0.0.1',
      servername: web,
      ca: pki.anchors.pem,
      cert: voteCreds.certificatePem,
      key: voteCreds.keyPem,
      checkServerIdentity: () => undefined,
      ...(session === undefined ? {} : { session }),
    });
    sockets.push(second);
    await new Promise((r) => second.once('secureConnect', r));
    expect(second.isSessionReused()).toBe(false);
    expect(await roundTrip(second)).toBe(`id=${vote}`);
  });
});

describe('rotation', () => {
  it('new handshakes get the new certificate while an open connection keeps working', async () => {
    const source = new TestCredentials(webCreds);
    const server = await echo(source);
    const before = await dial(server.port);
    expect(before.getPeerX509Certificate()?.serialNumber).toBe(webCreds.certificate.x509.serialNumber);
    const rotated = issueCredentials(pki, web);
    source.current = rotated;
    const after = await dial(server.port);
    expect(after.getPeerX509Certificate()?.serialNumber).toBe(rotated.certificate.x509.serialNumber);
    expect(rotated.certificate.serialNumber).not.toBe(webCreds.certificate.serialNumber);
    expect(await roundTrip(before)).toBe(`id=${vote}`);
    expect(await roundTrip(after)).toBe(`id=${vote}`);
  });

  it('createMeshTlsServer follows rotation through SNICallback and verifies clients', async () => {
    const source = new TestCredentials(webCreds);
    const rejected: Error[] = [];
    const seen: Array<string | undefined> = [];
    const server = createMeshTlsServer(
      source,
      (conn) => {
        seen.push(conn.peerIdentity);
        conn.socket.on('data', () => conn.socket.write(`id=${conn.peerIdentity ?? '-'}\n`));
        conn.socket.on('error', () => {});
      },
      { onRejected: (err) => rejected.push(err) },
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const a = await dial(port);
      expect(await roundTrip(a)).toBe(`id=${vote}`);
      const rotated = issueCredentials(pki, web);
      source.current = rotated;
      const b = await dial(port);
      expect(b.getPeerX509Certificate()?.serialNumber).toBe(rotated.certificate.x509.serialNumber);
      expect(await roundTrip(a)).toBe(`id=${vote}`);
      const other = testPki({}, 'other-root');
      await dial(port, new TestCredentials(issueCredentials(other, vote, pki.anchors))).catch(
        () => undefined,
      );
      await new Promise((r) => setTimeout(r, 100));
      expect(rejected.map((e) => (e as IdentityError).code)).toEqual([IdentityErrorCode.Chain]);
      expect(seen).toEqual([vote, vote]);
      for (const s of sockets) s.destroy();
    } finally {
      server.close();
    }
  });
});

afterAll(() => undefined);
