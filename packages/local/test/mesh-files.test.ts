import { parseStaticInventory } from '@skein/controller';
import { parseStaticDiscovery } from '@skein/discovery';
import { describe, expect, it } from 'vitest';
import { discoveryFile } from '../src/files/discovery-file.js';
import { inventoryFile } from '../src/files/inventory-file.js';
import { emojivotoTopology } from '../src/plan/emojivoto-topology.js';
import { planLocalMesh } from '../src/plan/mesh-plan.js';

const topology = emojivotoTopology({ node: 'node', main: 'main.ts' });

// The files are checked with the parsers the destination service and the controller use.
describe('the discovery file', () => {
  it('has each Service with its pod: identity, h2, and the inbound port as opaque transport on loopback', () => {
    const plan = planLocalMesh({ topology, mode: 'loopback', baseIp: '127.0.9.1' });
    const d = parseStaticDiscovery(discoveryFile(plan), 'discovery.yaml');
    expect([...d.authorities.keys()].sort()).toEqual([
      'emoji-svc.default.svc.cluster.local:8080',
      'voting-svc.default.svc.cluster.local:8080',
      'web-svc.default.svc.cluster.local:80',
    ]);
    const [web] = d.authorities.get('web-svc.default.svc.cluster.local:80')!.endpoints;
    expect(web).toMatchObject({
      address: '127.0.9.4:8080',
      identity: {
        name: 'web.default.serviceaccount.identity.linkerd.cluster.local',
        serverName: 'web.default.serviceaccount.identity.linkerd.cluster.local',
      },
      protocolHint: 'h2',
      opaqueTransportPort: 4143,
    });
    expect(web!.labels).toMatchObject({
      pod: 'web-0',
      deployment: 'web',
      serviceaccount: 'web',
      namespace: 'default',
    });
    expect(d.profiles?.map((p) => [p.metadata.name, (p.spec.routes ?? []).map((r) => r.name)])).toEqual([
      ['emoji-svc.default.svc.cluster.local', ['EmojiService/ListAll', 'EmojiService/FindByShortcode']],
      [
        'voting-svc.default.svc.cluster.local',
        ['VotingService/Vote', 'VotingService/VoteDoughnut', 'VotingService/Results'],
      ],
      [
        'web-svc.default.svc.cluster.local',
        ['GET /api/list', 'GET /api/vote', 'GET /api/leaderboard', 'GET /'],
      ],
    ]);
  });

  it('leaves the transport port out with network namespaces (iptables redirects the app port)', () => {
    const plan = planLocalMesh({ topology, mode: 'netns' });
    const d = parseStaticDiscovery(discoveryFile(plan), 'discovery.yaml');
    const [emoji] = d.authorities.get('emoji-svc.default.svc.cluster.local:8080')!.endpoints;
    expect(emoji!.address).toBe('10.249.0.2:8080');
    expect(emoji!.opaqueTransportPort).toBeUndefined();
  });
});

describe('the inventory file', () => {
  it('lists every pod as meshed with its proxy, and the Services selecting them', async () => {
    const plan = planLocalMesh({ topology, mode: 'loopback', baseIp: '127.0.9.1' });
    const inv = parseStaticInventory(inventoryFile(plan), 'inventory.yaml');
    const pods = await inv.pods('default');
    expect(pods.map((p) => [p.name, p.ip, p.owner, p.meshed, p.tapEnabled])).toEqual([
      ['emoji-0', '127.0.9.2', { kind: 'deployment', name: 'emoji' }, true, true],
      ['voting-0', '127.0.9.3', { kind: 'deployment', name: 'voting' }, true, true],
      ['web-0', '127.0.9.4', { kind: 'deployment', name: 'web' }, true, true],
      ['vote-bot-0', '127.0.9.5', { kind: 'deployment', name: 'vote-bot' }, true, true],
    ]);
    expect(pods[2]!.proxy).toEqual({
      adminAddress: '127.0.9.4:4191',
      tapAddress: '127.0.9.4:4190',
      identity: 'web.default.serviceaccount.identity.linkerd.cluster.local',
    });
    const services = await inv.services('default');
    expect(services.map((s) => [s.name, s.ports])).toEqual([
      ['emoji-svc', [8080]],
      ['voting-svc', [8080]],
      ['web-svc', [80]],
    ]);
  });
});
