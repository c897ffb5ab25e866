import { ServerCredentials } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CertifyServer, startCertifyServer } from '../../src/certify/certify-server.js';
import { CertifyService } from '../../src/certify/certify-service.js';
import { StaticTokenValidator } from '../../src/certify/static-token-validator.js';
import { grpcCertify } from '../../src/client/certify-transport.js';
import { generateKeyMaterial } from '../../src/client/key-material.js';
import { WorkloadIdentity } from '../../src/client/workload-identity.js';
import { issueCredentials, saIdentity, testPki } from '../support/pki.js';

const pki = testPki();
const identitySvc = saIdentity('linkerd-identity', 'linkerd');
const web = saIdentity('web', 'emojivoto');
let server: CertifyServer;

beforeAll(async () => {
  const own = issueCredentials(pki, identitySvc);
  const service = new CertifyService({
    trustAnchors: pki.anchors,
    validator: StaticTokenValidator.parse('good emojivoto/web'),
    issuer: pki.ca.issuer,
  });
  const tls = ServerCredentials.createSsl(
    null,
    [{ cert_chain: Buffer.from(own.certificatePem), private_key: Buffer.from(own.keyPem) }],
    false,
  );
  server = await startCertifyServer(service, '127.0.0.1:0', tls);
});
afterAll(() => server.close());

describe('grpcCertify over TLS (the proxy has no certificate yet)', () => {
  it('verifies the identity service against the anchors and its name, then certifies', async () => {
    const transport = grpcCertify({
      address: `127.0.0.1:${server.port}`,
      tls: true,
      serverName: identitySvc,
      trustAnchors: pki.anchors,
    });
    const client = new WorkloadIdentity({
      localName: web,
      trustAnchors: pki.anchors,
      keyMaterial: generateKeyMaterial(web),
      certify: transport.certify,
      token: async () => new Uint8Array(Buffer.from('good')),
    });
    try {
      const creds = await client.certifyOnce();
      expect(creds.certificate.altNames.dns).toEqual([web]);
    } finally {
      client.close();
      transport.close();
    }
  });

  it('fails when the server is not the expected identity', async () => {
    const transport = grpcCertify({
      address: `127.0.0.1:${server.port}`,
      tls: true,
      serverName: saIdentity('impostor', 'linkerd'),
      trustAnchors: pki.anchors,
      timeoutMs: 3000,
    });
    try {
      const req = {
        identity: web,
        token: new Uint8Array(Buffer.from('good')),
        certificateSigningRequest: generateKeyMaterial(web).csr,
      };
      await expect(transport.certify(req)).rejects.toThrow(/Certify failed: 14 UNAVAILABLE/);
    } finally {
      transport.close();
    }
  });

  it('requires a name and anchors for TLS', () => {
    expect(() => grpcCertify({ address: '10.0.0.1:8080' })).toThrow(
      /serverName and trustAnchors are required for TLS/,
    );
  });
});
