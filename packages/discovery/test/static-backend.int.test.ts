import { credentials } from '@grpc/grpc-js';
import { DestinationClient as DestinationGrpcClient } from '@skein/core/proto';
import { BehaviorSubject } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DestinationError,
  DiscoveryUnavailableError,
  diagnoseEndpoints,
  diagnoseProfile,
  formatEndpoints,
  formatProfile,
  parseStaticDiscovery,
  type StaticDiscovery,
} from '../src/index.js';
import {
  type RunningDestinationServer,
  StaticDestinationBackend,
  serveDestination,
} from '../src/server/index.js';
import { describeProfile, describeUpdate } from './support/destination-env.js';
import { StreamRecorder } from './support/stream-recorder.js';

const FILE = `
authorities:
  legacy.example.com:8080:
    labels: { service: legacy }
    endpoints:
      - { address: 127.0.0.1:8080, labels: { pod: l0 }, authorityOverride: gw.example.com:4143, opaqueTransportPort: 4143 }
services:
  - name: web
    namespace: emojivoto
    ports: [80, 3306]
    endpoints:
      - { ip: 127.0.1.2, pod: web-0, serviceAccount: web, meshed: true }
profiles:
  - apiVersion: linkerd.io/v1alpha2
    kind: ServiceProfile
    metadata: { name: web.emojivoto.svc.cluster.local, namespace: emojivoto }
    spec:
      routes: [{ name: home, condition: { method: GET, pathRegex: / }, timeout: 2s }]
  - apiVersion: linkerd.io/v1alpha2
    kind: ServiceProfile
    metadata: { name: web.emojivoto.svc.cluster.local, namespace: vote-bot }
    spec: { routes: [{ name: bot, condition: { method: POST } }] }
`;

let server: RunningDestinationServer;
let grpc: DestinationGrpcClient;
const state = new BehaviorSubject<StaticDiscovery>(parseStaticDiscovery(FILE));
const ID = 'web.emojivoto.serviceaccount.identity.linkerd.cluster.local';

beforeAll(async () => {
  server = await serveDestination({
    backend: new StaticDestinationBackend({ discovery: state }),
    address: '127.0.0.1:0',
  });
  grpc = new DestinationGrpcClient(`127.0.0.1:${server.port}`, credentials.createInsecure());
});
afterAll(async () => {
  grpc.close();
  await server.close(100);
});

describe('StaticDestinationBackend', () => {
  it('serves authorities and services, and follows a reloaded file', async () => {
    const get = new StreamRecorder(grpc.get({ path: 'web.emojivoto.svc.cluster.local' }), describeUpdate);
    const legacy = new StreamRecorder(grpc.get({ path: 'legacy.example.com:8080' }), describeUpdate);
    await get.atLeast(1);
    await legacy.atLeast(1);
    state.next(parseStaticDiscovery(FILE.replace('127.0.1.2', '127.0.1.9')));
    await get.atLeast(3);
    expect(get.messages).toEqual([
      {
        labels: { namespace: 'emojivoto', service: 'web' },
        add: [
          {
            addr: '127.0.1.2:80',
            weight: 10_000,
            labels: { pod: 'web-0', serviceaccount: 'web', control_plane_ns: 'linkerd' },
            identity: ID,
            serverName: ID,
            hint: 'h2',
          },
        ],
      },
      {
        labels: { namespace: 'emojivoto', service: 'web' },
        add: [
          {
            addr: '127.0.1.9:80',
            weight: 10_000,
            labels: { pod: 'web-0', serviceaccount: 'web', control_plane_ns: 'linkerd' },
            identity: ID,
            serverName: ID,
            hint: 'h2',
          },
        ],
      },
      { remove: ['127.0.1.2:80'] },
    ]);
    expect(legacy.messages).toEqual([
      {
        labels: { service: 'legacy' },
        add: [{ addr: '127.0.0.1:8080', weight: 10_000, labels: { pod: 'l0' }, opaqueTransport: 4143 }],
      },
    ]);
    get.cancel();
    legacy.cancel();
    state.next(parseStaticDiscovery(FILE));
  });

  it('serves profiles by client namespace, port and IP, and refuses unknown names', async () => {
    const first = async (path: string, contextToken = '') => {
      const r = new StreamRecorder(grpc.getProfile({ path, contextToken }), describeProfile);
      const [m] = await r.atLeast(1);
      r.cancel();
      return m;
    };
    const fqn = 'web.emojivoto.svc.cluster.local';
    expect(await first(`${fqn}:80`)).toMatchObject({
      routes: [{ metricsLabels: { route: 'home' }, timeout: { seconds: '2' } }],
      fullyQualifiedName: fqn,
      profileRef: { resource: { namespace: 'emojivoto' } },
    });
    expect(await first(`${fqn}:80`, 'ns:vote-bot')).toMatchObject({
      routes: [{ metricsLabels: { route: 'bot' } }],
    });
    expect(await first(`${fqn}:3306`)).toMatchObject({ opaqueProtocol: true });
    expect(await first(`${fqn}:9999`)).toEqual({});
    expect(await first('127.0.1.2:80')).toMatchObject({
      endpoint: { addr: '127.0.1.2:80', identity: ID, hint: 'h2' },
    });
    expect(await first('legacy.example.com:8080')).toMatchObject({
      fullyQualifiedName: 'legacy.example.com',
    });
    const missing = new StreamRecorder(
      grpc.getProfile({ path: 'api.emojivoto.svc.cluster.local:80' }),
      describeProfile,
    );
    expect(await missing.ended()).toMatchObject({ code: 5 });
    const outside = new StreamRecorder(grpc.getProfile({ path: 'example.com:80' }), describeProfile);
    expect(await outside.ended()).toMatchObject({ code: 3 });
  });
});

describe('diagnostics', () => {
  it('prints what the destination service answers for endpoints and profiles', async () => {
    const address = `127.0.0.1:${server.port}`;
    const eps = await diagnoseEndpoints('web.emojivoto.svc.cluster.local:80', { address, settleMs: 50 });
    expect(eps.exists).toBe(true);
    expect(formatEndpoints(eps)).toBe(
      [
        'NAMESPACE   IP          PORT   POD     SERVICE         IDENTITY                                                      PROTOCOL',
        `emojivoto   127.0.1.2   80     web-0   web.emojivoto   ${ID}   h2`,
        '',
      ].join('\n'),
    );
    const missing = await diagnoseEndpoints('nope.emojivoto.svc.cluster.local:80', { address });
    expect(formatEndpoints(missing)).toBe('Service nope.emojivoto.svc.cluster.local:80 does not exist.\n');
    await expect(diagnoseEndpoints('10.0.0.1:80', { address })).rejects.toThrow(DestinationError);
    const profile = await diagnoseProfile('web.emojivoto.svc.cluster.local:80', { address, settleMs: 50 });
    expect(formatProfile(profile)).toBe(
      [
        'fullyQualifiedName: web.emojivoto.svc.cluster.local',
        'opaqueProtocol: false',
        'retryBudget:',
        '  retryRatio: 0.2',
        '  minRetriesPerSecond: 10',
        '  ttl: 10s',
        'routes:',
        '  - name: home',
        '    condition:',
        '      all:',
        '        matches:',
        '          - path:',
        '              regex: /',
        '          - method:',
        '              registered: GET',
        '    responseClasses: []',
        '    isRetryable: false',
        '    timeout: 2s',
        '',
      ].join('\n'),
    );
    expect(formatProfile(await diagnoseProfile('api.emojivoto.svc.cluster.local:80', { address }))).toBe(
      'No profile found for api.emojivoto.svc.cluster.local:80.\n',
    );
    await expect(diagnoseEndpoints('web:80', { address: '127.0.0.1:1', timeoutMs: 2000 })).rejects.toThrow(
      DiscoveryUnavailableError,
    );
  });
});
