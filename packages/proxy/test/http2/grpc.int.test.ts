import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Http2Pool } from '../../src/http2/client-pool.js';
import { type H2Listener, listenH2, localConnector, payload, REFUSED_PORT, sha256 } from './harness.js';

// A service defined without .proto files: messages are raw bytes.
const bytes = {
  requestSerialize: (b: Buffer) => b,
  requestDeserialize: (b: Buffer) => b,
  responseSerialize: (b: Buffer) => b,
  responseDeserialize: (b: Buffer) => b,
};
const service = {
  unary: { path: '/skein.test.Echo/Unary', requestStream: false, responseStream: false, ...bytes },
  serverStream: {
    path: '/skein.test.Echo/ServerStream',
    requestStream: false,
    responseStream: true,
    ...bytes,
  },
  clientStream: {
    path: '/skein.test.Echo/ClientStream',
    requestStream: true,
    responseStream: false,
    ...bytes,
  },
  bidi: { path: '/skein.test.Echo/Bidi', requestStream: true, responseStream: true, ...bytes },
} satisfies grpc.ServiceDefinition;

type Call = grpc.ServerUnaryCall<Buffer, Buffer>;

const EchoClient = grpc.makeGenericClientConstructor(service, 'Echo');
type EchoClientT = InstanceType<typeof EchoClient> & {
  unary: (
    req: Buffer,
    md: grpc.Metadata,
    opts: grpc.CallOptions,
    cb: (err: grpc.ServiceError | null, res?: Buffer) => void,
  ) => grpc.ClientUnaryCall;
  serverStream: (req: Buffer, md?: grpc.Metadata) => grpc.ClientReadableStream<Buffer>;
  clientStream: (
    cb: (err: grpc.ServiceError | null, res?: Buffer) => void,
  ) => grpc.ClientWritableStream<Buffer>;
  bidi: () => grpc.ClientDuplexStream<Buffer, Buffer>;
};

/** What the real gRPC server observed. */
const observed = { cancelled: 0, deadlineCalls: 0 };

function startServer(): Promise<{ server: grpc.Server; port: number }> {
  const server = new grpc.Server();
  server.addService(service, {
    unary(call: Call, cb: grpc.sendUnaryData<Buffer>) {
      const text = call.request.toString();
      if (text === 'fail') {
        const trailer = new grpc.Metadata();
        trailer.set('x-reason', 'asked-to-fail');
        cb({ code: grpc.status.NOT_FOUND, details: 'no such thing', metadata: trailer });
        return;
      }
      if (text === 'slow') {
        observed.deadlineCalls++;
        call.on('cancelled', () => observed.cancelled++);
        setTimeout(() => cb(null, Buffer.from('too late')), 3000).unref();
        return;
      }
      const initial = new grpc.Metadata();
      initial.set('x-initial', `seen ${call.metadata.get('x-request')[0] ?? 'none'}`);
      call.sendMetadata(initial);
      const trailer = new grpc.Metadata();
      trailer.set('x-trailer', 'custom');
      trailer.set('x-sum-bin', Buffer.from(sha256(call.request), 'hex'));
      cb(
        null,
        call.request.length > 1024 ? Buffer.from(sha256(call.request)) : Buffer.from(`echo ${text}`),
        trailer,
      );
    },
    serverStream(call: grpc.ServerWritableStream<Buffer, Buffer>) {
      const n = Number(call.request.toString());
      if (n < 0) {
        // Streams until the client cancels.
        const timer = setInterval(() => call.write(Buffer.from('tick')), 5);
        call.on('cancelled', () => {
          observed.cancelled++;
          clearInterval(timer);
        });
        return;
      }
      for (let i = 0; i < n; i++) call.write(Buffer.from(`message ${i}`));
      call.end();
    },
    clientStream(call: grpc.ServerReadableStream<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) {
      let count = 0;
      let bytesIn = 0;
      call.on('data', (m: Buffer) => {
        count++;
        bytesIn += m.length;
      });
      call.on('end', () => cb(null, Buffer.from(`${count} messages, ${bytesIn} bytes`)));
    },
    bidi(call: grpc.ServerDuplexStream<Buffer, Buffer>) {
      call.on('data', (m: Buffer) => call.write(Buffer.from(`re: ${m.toString()}`)));
      call.on('end', () => call.end());
    },
  });
  return new Promise((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => {
      if (err !== null) reject(err);
      else resolve({ server, port });
    });
  });
}

let server: grpc.Server;
let pool: Http2Pool;
let proxy: H2Listener;
let client: EchoClientT;

beforeAll(async () => {
  const s = await startServer();
  server = s.server;
  pool = new Http2Pool({ connect: localConnector(s.port), authority: `127.0.0.1:${s.port}` });
  proxy = await listenH2(pool);
  client = new EchoClient(`127.0.0.1:${proxy.port}`, grpc.credentials.createInsecure()) as EchoClientT;
});

afterAll(async () => {
  client.close();
  await proxy.close();
  pool.close();
  server.forceShutdown();
});

function unary(
  c: EchoClientT,
  text: string | Buffer,
  md = new grpc.Metadata(),
  opts: grpc.CallOptions = {},
): Promise<{
  err: grpc.ServiceError | null;
  res?: Buffer;
  initial?: grpc.Metadata;
  status?: grpc.StatusObject;
}> {
  return new Promise((resolve) => {
    let initial: grpc.Metadata | undefined;
    let result: { err: grpc.ServiceError | null; res?: Buffer } | undefined;
    let status: grpc.StatusObject | undefined;
    const finish = () => {
      if (result !== undefined && status !== undefined) resolve({ ...result, initial, status });
    };
    const call = c.unary(typeof text === 'string' ? Buffer.from(text) : text, md, opts, (err, res) => {
      result = { err, res };
      finish();
    });
    call.on('metadata', (m) => {
      initial = m;
    });
    call.on('status', (s) => {
      status = s;
      finish();
    });
  });
}

describe('gRPC through the proxy (grpc-js client → serveHttp2 → Http2Pool → grpc-js server)', () => {
  test('unary with request metadata, initial metadata and custom trailers', async () => {
    const md = new grpc.Metadata();
    md.set('x-request', 'abc');
    const r = await unary(client, 'hello', md);
    expect(r.err).toBeNull();
    expect(r.res!.toString()).toBe('echo hello');
    expect(r.initial!.get('x-initial')).toEqual(['seen abc']);
    expect(r.status!.code).toBe(grpc.status.OK);
    expect(r.status!.metadata.get('x-trailer')).toEqual(['custom']);
    expect((r.status!.metadata.get('x-sum-bin')[0] as Buffer).toString('hex')).toBe(sha256('hello'));
  });

  test('a large unary message (1 MiB) arrives intact', async () => {
    const big = payload(1024 * 1024, 5);
    const r = await unary(client, big);
    expect(r.err).toBeNull();
    expect(r.res!.toString()).toBe(sha256(big));
  });

  test('server streaming', async () => {
    const call = client.serverStream(Buffer.from('50'));
    const got: string[] = [];
    call.on('data', (m: Buffer) => got.push(m.toString()));
    const status = await new Promise<grpc.StatusObject>((r) => call.on('status', r));
    expect(status.code).toBe(grpc.status.OK);
    expect(got).toHaveLength(50);
    expect(got[49]).toBe('message 49');
  });

  test('client streaming', async () => {
    const result = await new Promise<Buffer>((resolve, reject) => {
      const call = client.clientStream((err, res) => (err ? reject(err) : resolve(res!)));
      for (let i = 0; i < 100; i++) call.write(Buffer.from('x'.repeat(100)));
      call.end();
    });
    expect(result.toString()).toBe('100 messages, 10000 bytes');
  });

  test('bidirectional streaming, message by message', async () => {
    const call = client.bidi();
    const replies: string[] = [];
    for (let i = 0; i < 20; i++) {
      const reply = new Promise<string>((r) => call.once('data', (m: Buffer) => r(m.toString())));
      call.write(Buffer.from(`ping ${i}`));
      replies.push(await reply);
    }
    call.end();
    const status = await new Promise<grpc.StatusObject>((r) => call.on('status', r));
    expect(status.code).toBe(grpc.status.OK);
    expect(replies[0]).toBe('re: ping 0');
    expect(replies[19]).toBe('re: ping 19');
  });

  test('an error status from the server, with its trailers', async () => {
    const r = await unary(client, 'fail');
    expect(r.err?.code).toBe(grpc.status.NOT_FOUND);
    expect(r.err?.details).toBe('no such thing');
    expect(r.status!.metadata.get('x-reason')).toEqual(['asked-to-fail']);
  });

  test('deadline exceeded: the client gives up and the server sees the cancellation', async () => {
    const cancelledBefore = observed.cancelled;
    const r = await unary(client, 'slow', new grpc.Metadata(), { deadline: Date.now() + 300 });
    expect(r.err?.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    await waitFor(() => observed.cancelled > cancelledBefore);
    expect(observed.deadlineCalls).toBeGreaterThan(0);
  });

  test('client cancellation propagates to the server as RST_STREAM', async () => {
    const cancelledBefore = observed.cancelled;
    const call = client.serverStream(Buffer.from('-1'));
    call.on('error', () => {});
    await new Promise<void>((r) => call.once('data', () => r()));
    call.cancel();
    const status = await new Promise<grpc.StatusObject>((r) => call.on('status', r));
    expect(status.code).toBe(grpc.status.CANCELLED);
    await waitFor(() => observed.cancelled > cancelledBefore);
  });

  test('a synthesized error: an endpoint that refuses connections gives UNAVAILABLE with the reason', async () => {
    const port = REFUSED_PORT;
    const deadPool = new Http2Pool({ connect: localConnector(port), authority: `127.0.0.1:${port}` });
    const deadProxy = await listenH2(deadPool);
    const c = new EchoClient(`127.0.0.1:${deadProxy.port}`, grpc.credentials.createInsecure()) as EchoClientT;
    try {
      const r = await unary(c, 'hello');
      expect(r.err?.code).toBe(grpc.status.UNAVAILABLE);
      expect(r.err?.details).toContain(`connect to 127.0.0.1:${port} failed`);
    } finally {
      c.close();
      await deadProxy.close();
      deadPool.close();
    }
  });
});

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}
