import * as grpc from '@grpc/grpc-js';
import { BehaviorSubject, filter } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlPlaneCredentials } from '../../src/client/control-plane-credentials.js';
import type { WorkloadCredentials } from '../../src/client/workload-credentials.js';
import { issueCredentials, saIdentity, testPki } from '../support/pki.js';

// A control-plane service (as the destination pod's proxy would present it) that requires a
// client certificate from the mesh and answers with the client's SAN.
const pki = testPki();
const destinationId = saIdentity('linkerd-destination', 'linkerd');
const proxyId = saIdentity('web', 'emojivoto');
const raw = {
  serialize: (v: Buffer) => v,
  deserialize: (b: Buffer) => b,
};
const whoAmI = {
  path: '/test.Peer/WhoAmI',
  requestStream: false,
  responseStream: false,
  requestSerialize: raw.serialize,
  requestDeserialize: raw.deserialize,
  responseSerialize: raw.serialize,
  responseDeserialize: raw.deserialize,
} satisfies grpc.MethodDefinition<Buffer, Buffer>;
const PeerClient = grpc.makeGenericClientConstructor({ whoAmI }, 'Peer');
type PeerClientInstance = InstanceType<typeof PeerClient> & {
  whoAmI(req: Buffer, cb: (err: grpc.ServiceError | null, res?: Buffer) => void): void;
};

let server: grpc.Server;
let port = 0;

beforeAll(async () => {
  const serverCreds = issueCredentials(pki, destinationId);
  server = new grpc.Server();
  server.addService(
    { whoAmI },
    {
      whoAmI: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
        const peer = call.getAuthContext()?.sslPeerCertificate;
        cb(
          null,
          Buffer.from(
            `${peer?.subjectaltname ?? 'none'} serial=${peer?.serialNumber?.replace(/^0+(?=.)/, '') ?? '-'}`,
          ),
        );
      },
    },
  );
  port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      '127.0.0.1:0',
      grpc.ServerCredentials.createSsl(
        Buffer.from(pki.anchors.pem),
        [
          {
            cert_chain: Buffer.from(serverCreds.certificatePem),
            private_key: Buffer.from(serverCreds.keyPem),
          },
        ],
        true,
      ),
      (err, p) => (err ? reject(err) : resolve(p)),
    ),
  );
});

afterAll(() => {
  server.forceShutdown();
});

function call(client: PeerClientInstance): Promise<string> {
  return new Promise((resolve, reject) =>
    client.whoAmI(Buffer.alloc(0), (err, res) => (err ? reject(err) : resolve(res!.toString()))),
  );
}

function workload() {
  const subject = new BehaviorSubject<WorkloadCredentials | undefined>(undefined);
  return {
    subject,
    identity: {
      trustAnchors: pki.anchors,
      credentials$: subject.pipe(filter((c): c is WorkloadCredentials => c !== undefined)),
    },
  };
}

describe('controlPlaneCredentials', () => {
  it('waits for the first certificate, presents it, and verifies the server identity', async () => {
    const w = workload();
    const cp = controlPlaneCredentials(w.identity, destinationId);
    const client = new PeerClient(
      `127.0.0.1:${port}`,
      cp.credentials,
      cp.channelOptions,
    ) as PeerClientInstance;
    try {
      // The call waits for credentials rather than going out without a client certificate.
      const pending = call(client);
      const first = issueCredentials(pki, proxyId);
      w.subject.next(first);
      const answer = await pending;
      expect(answer).toContain(`DNS:${proxyId}`);
      expect(answer).toContain(`serial=${first.certificate.serialNumber.toUpperCase()}`);
    } finally {
      client.close();
      cp.close();
    }
  });

  it('uses a renewed certificate for new connections', async () => {
    const w = workload();
    w.subject.next(issueCredentials(pki, proxyId));
    const cp = controlPlaneCredentials(w.identity, destinationId);
    const renewed = issueCredentials(pki, proxyId);
    w.subject.next(renewed);
    const client = new PeerClient(
      `127.0.0.1:${port}`,
      cp.credentials,
      cp.channelOptions,
    ) as PeerClientInstance;
    try {
      expect(await call(client)).toContain(`serial=${renewed.certificate.serialNumber.toUpperCase()}`);
    } finally {
      client.close();
      cp.close();
    }
  });

  it('refuses a server whose identity is not the expected one', async () => {
    const w = workload();
    w.subject.next(issueCredentials(pki, proxyId));
    const cp = controlPlaneCredentials(w.identity, saIdentity('linkerd-policy', 'linkerd'));
    const client = new PeerClient(`127.0.0.1:${port}`, cp.credentials, {
      ...cp.channelOptions,
      'grpc.initial_reconnect_backoff_ms': 50,
    }) as PeerClientInstance;
    try {
      const err = (await call(client).then(
        () => undefined,
        (e: unknown) => e,
      )) as grpc.ServiceError | undefined;
      expect(err?.code).toBe(grpc.status.UNAVAILABLE);
      expect(err?.details).toMatch(/expected the server identity "linkerd-policy\.linkerd\.serviceaccount/);
    } finally {
      client.close();
      cp.close();
    }
  });
});
