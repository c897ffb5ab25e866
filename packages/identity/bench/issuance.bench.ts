// Benchmarks of @skein/identity (built dist): certificate issuance and mTLS handshake cost.
// Run: npm run bench -w @skein/identity
import { generateKeyPairSync, sign } from 'node:crypto';
import { type AddressInfo, createServer } from 'node:net';
import { createSecureContext, createServer as createTlsServer, connect as tlsConnect } from 'node:tls';
import {
  CertificateAuthority,
  CertifyService,
  checkCsr,
  generateIssuer,
  generateKeyMaterial,
  generateTrustAnchor,
  grpcCertify,
  issuerFromPem,
  MeshTlsDialer,
  MeshTlsServer,
  parseCsr,
  readCertificate,
  StaticTokenValidator,
  startCertifyServer,
  TrustAnchors,
  type WorkloadCredentials,
  workloadCredentials,
} from '../dist/index.js';

const anchor = generateTrustAnchor();
const issuerPair = generateIssuer(anchor);
const issuer = issuerFromPem({ certificatePem: issuerPair.certificatePem, keyPem: issuerPair.keyPem });
const anchors = TrustAnchors.fromPem(anchor.certificatePem);
const ca = new CertificateAuthority({ issuer });
const id = (sa: string) => `${sa}.emojivoto.serviceaccount.identity.linkerd.cluster.local`;
const keys = generateKeyMaterial(id('web'));

function rate(label: string, seconds: number, fn: () => void): number {
  for (let i = 0; i < 200; i++) fn();
  let n = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 20; i++) fn();
    n += 20;
  }
  const perSec = n / ((performance.now() - start) / 1000);
  console.log(
    `${label.padEnd(58)} ${perSec.toFixed(0).padStart(8)} /s  ${(1000 / perSec).toFixed(3)} ms each`,
  );
  return perSec;
}

async function rateAsync(
  label: string,
  seconds: number,
  concurrency: number,
  fn: () => Promise<unknown>,
): Promise<number> {
  for (let i = 0; i < 20; i++) await fn();
  let n = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await fn();
        n++;
      }
    }),
  );
  const perSec = n / ((performance.now() - start) / 1000);
  console.log(
    `${label.padEnd(58)} ${perSec.toFixed(0).padStart(8)} /s  ${(1000 / perSec).toFixed(3)} ms each`,
  );
  return perSec;
}

function credentials(name: string): WorkloadCredentials {
  const k = generateKeyMaterial(id(name));
  const issued = ca.issue(parseCsr(k.csr));
  return workloadCredentials({
    localName: id(name),
    certificate: readCertificate(issued.leaf),
    intermediates: issued.intermediates.map((d) => readCertificate(d)),
    privateKey: k.privateKey,
    keyPem: k.keyPem,
    trustAnchors: anchors,
  });
}

console.log(`node ${process.version}, ${new Date().toISOString()}`);
console.log('\n# Issuance');
const { privateKey: rawKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const tbs = Buffer.alloc(400, 7);
const floor = rate('peer: one ECDSA P-256 sign (node:crypto, lower bound)', 1.5, () => {
  sign('sha256', tbs, { key: rawKey, dsaEncoding: 'der' });
});
const issue = rate('CA: parse CSR + check rules + build + sign leaf', 2, () => {
  const csr = parseCsr(keys.csr);
  checkCsr(csr, id('web'));
  ca.issue(csr);
});
console.log(`  ratio issuance / bare sign: ${(floor / issue).toFixed(1)}x slower`);

const service = new CertifyService({
  trustAnchors: anchors,
  validator: StaticTokenValidator.parse('t emojivoto/web'),
  issuer,
});
const server = await startCertifyServer(service, '127.0.0.1:0');
const transport = grpcCertify({ address: `127.0.0.1:${server.port}` });
const request = {
  identity: id('web'),
  token: new Uint8Array(Buffer.from('t')),
  certificateSigningRequest: keys.csr,
};
await rateAsync('Certify over gRPC (localhost, 8 in flight, static token)', 3, 8, () =>
  transport.certify(request),
);
transport.close();
await server.close();

console.log('\n# mTLS handshake (TLS 1.3, ECDSA P-256, client certificate, localhost)');
const serverCreds = credentials('web');
const clientCreds = credentials('voting');
const mesh = new MeshTlsServer({ current: serverCreds });
const tcp = createServer((s) => {
  mesh.accept(s).then(
    (c) => c.socket.end(),
    () => {},
  );
});
await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
const meshPort = (tcp.address() as AddressInfo).port;
const dialer = new MeshTlsDialer({ current: clientCreds });
const meshRate = await rateAsync('Skein: MeshTlsDialer → MeshTlsServer.accept', 3, 4, async () => {
  const s = await dialer.connect({ host: '127.0.0.1', port: meshPort, serverName: id('web') });
  s.destroy();
});

const plain = createTlsServer(
  {
    cert: serverCreds.certificatePem,
    key: serverCreds.keyPem,
    ca: anchors.pem,
    requestCert: true,
    minVersion: 'TLSv1.3',
  },
  (s) => s.end(),
);
plain.on('tlsClientError', () => {});
await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
const plainPort = (plain.address() as AddressInfo).port;
// The peer gets the same advantage as the mesh: a client context built once, not per connection.
const peerContext = createSecureContext({
  ca: anchors.pem,
  cert: clientCreds.certificatePem,
  key: clientCreds.keyPem,
});
const peerRate = await rateAsync('peer: plain node:tls mTLS (OpenSSL verification only)', 3, 4, async () => {
  await new Promise<void>((resolve, reject) => {
    const s = tlsConnect({
      host: '127.0.0.1',
      port: plainPort,
      servername: id('web'),
      secureContext: peerContext,
      checkServerIdentity: () => undefined,
    });
    s.once('secureConnect', () => {
      s.destroy();
      resolve();
    });
    s.once('error', reject);
  });
});
console.log(`  ratio Skein / plain node:tls handshakes per second: ${(meshRate / peerRate).toFixed(2)}`);
tcp.close();
plain.close();
