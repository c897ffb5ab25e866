import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ChannelCredentials, type ChannelOptions, credentials, Metadata, status } from '@grpc/grpc-js';
import { type Decoded, TapClient, type tap } from '@skein/core/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SkeinProxy } from '../../src/index.js';
import {
  getVia,
  identityName,
  startIdentityService,
  startMeshedProxy,
  type TestIdentityService,
} from '../support/mesh.js';
import { nonLoopbackAddress } from '../support/non-loopback.js';

type TapEvent = Decoded<typeof tap.TapEvent>;

// The control port of a meshed proxy takes mTLS from the tap service (identity checked) and
// plaintext from loopback only, on the same port, as linkerd2-proxy's does.
const TARGET_IP = '127.0.4.1';
const TAP_ID = identityName('linkerd-viz', 'tap');

describe('tap over mTLS on the control port', () => {
  let identity: TestIdentityService;
  let backend: http.Server;
  let target: SkeinProxy;
  let tapPod: SkeinProxy;
  let webPod: SkeinProxy;
  let remote: { address: string; cleanup: () => void };
  const clients: TapClient[] = [];

  beforeAll(async () => {
    remote = nonLoopbackAddress();
    identity = await startIdentityService();
    backend = http.createServer((_req, res) => res.end('ok'));
    backend.listen(0, '127.0.0.1');
    await once(backend, 'listening');
    target = await startMeshedProxy({
      ip: TARGET_IP,
      namespace: 'demo',
      serviceAccount: 'target',
      identity,
      discovery: `authorities:\n  web.tapped:80:\n    endpoints: [ { address: "127.0.0.1:${(backend.address() as AddressInfo).port}" } ]\n`,
      env: {
        LINKERD2_PROXY_CONTROL_LISTEN_ADDR: '0.0.0.0:0',
        LINKERD2_PROXY_TAP_SVC_NAME: TAP_ID,
      },
    });
    tapPod = await startMeshedProxy({
      ip: '127.0.4.2',
      namespace: 'linkerd-viz',
      serviceAccount: 'tap',
      identity,
    });
    webPod = await startMeshedProxy({ ip: '127.0.4.3', namespace: 'demo', serviceAccount: 'web', identity });
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await target?.shutdown(200);
    await tapPod?.shutdown(200);
    await webPod?.shutdown(200);
    backend?.close();
    await identity?.close();
    remote?.cleanup();
  });

  function observe(creds: ChannelCredentials, options: ChannelOptions = {}): Promise<TapEvent[]> {
    const c = new TapClient(`${remote.address}:${target.addresses.control!.port}`, creds, {
      ...options,
      'grpc.initial_reconnect_backoff_ms': 50,
    });
    clients.push(c);
    const call = c.observe({ limit: 1 }, new Metadata(), { deadline: Date.now() + 10_000 });
    const events: TapEvent[] = [];
    return new Promise((resolve, reject) => {
      call.on('data', (e: TapEvent) => events.push(e));
      call.on('error', reject);
      call.on('end', () => resolve(events));
    });
  }

  it('serves the tap service identity from a non-loopback address', async () => {
    const cp = tapPod.identity!.controlPlane(identityName('demo', 'target'));
    try {
      const done = observe(cp.credentials, cp.channelOptions);
      while (!target.tap.active) await new Promise((r) => setTimeout(r, 10));
      await getVia(target.addresses.outbound[0]!.port, TARGET_IP, 'http://web.tapped/over-mtls');
      const events = await done;
      expect(events.map((e) => e.http?.event)).toEqual(['requestInit', 'responseInit', 'responseEnd']);
      expect(events[0]!.http?.requestInit?.path).toBe('/over-mtls');
    } finally {
      cp.close();
    }
  });

  it('refuses another mesh identity with UNAUTHENTICATED', async () => {
    const cp = webPod.identity!.controlPlane(identityName('demo', 'target'));
    try {
      const err = await observe(cp.credentials, cp.channelOptions).then(
        () => undefined,
        (e: { code: number; details: string }) => e,
      );
      expect(err?.code).toBe(status.UNAUTHENTICATED);
      expect(err?.details).toContain(`client identity ${identityName('demo', 'web')}`);
    } finally {
      cp.close();
    }
  });

  it('closes plaintext from a non-loopback peer before any gRPC', async () => {
    const err = await observe(credentials.createInsecure()).then(
      () => undefined,
      (e: { code: number }) => e,
    );
    expect(err?.code).toBe(status.UNAVAILABLE);
  });
});
