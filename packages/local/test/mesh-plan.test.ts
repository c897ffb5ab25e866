import { describe, expect, it } from 'vitest';
import { InvalidLocalMeshError } from '../src/errors.js';
import { appContext } from '../src/plan/app-context.js';
import { emojivotoTopology } from '../src/plan/emojivoto-topology.js';
import { planLocalMesh } from '../src/plan/mesh-plan.js';
import type { MeshTopology, WorkloadSpec } from '../src/plan/topology.js';

const topology = emojivotoTopology({ node: '/usr/bin/node', main: '/app/main.ts' });
const workload = (w: Partial<WorkloadSpec> & { name: string }): WorkloadSpec => ({
  app: () => ({ command: 'true', args: [] }),
  ...w,
});

describe('planLocalMesh', () => {
  it('puts the control plane on the base address and one pod per workload after it, traffic last', () => {
    const plan = planLocalMesh({ topology, mode: 'loopback' });
    expect(plan.controlPlaneIp).toBe('127.0.1.1');
    expect(plan.pods.map((p) => [p.name, p.ip, p.identity])).toEqual([
      ['emoji-0', '127.0.1.2', 'emoji.default.serviceaccount.identity.linkerd.cluster.local'],
      ['voting-0', '127.0.1.3', 'voting.default.serviceaccount.identity.linkerd.cluster.local'],
      ['web-0', '127.0.1.4', 'web.default.serviceaccount.identity.linkerd.cluster.local'],
      ['vote-bot-0', '127.0.1.5', 'vote-bot.default.serviceaccount.identity.linkerd.cluster.local'],
    ]);
    expect(planLocalMesh({ topology, mode: 'loopback', traffic: false }).pods.map((p) => p.name)).toEqual([
      'emoji-0',
      'voting-0',
      'web-0',
    ]);
    expect(planLocalMesh({ topology, mode: 'netns' }).pods[0]!.ip).toBe('10.249.0.2');
  });

  it.each([
    ['loopback', '10.0.0.1', /baseIp: expected an IPv4 address in 127.0.0.0\/8/],
    ['loopback', '127.0.1', /baseIp: expected an IPv4 address in 127/],
    ['loopback', '127.0.1.252', /room for 4 pods after it \(1 to 250\)/],
    ['netns', '8.8.8.1', /baseIp: expected a private IPv4 address/],
  ] as const)('refuses %s base %s', (mode, baseIp, message) => {
    expect(() => planLocalMesh({ topology, mode, baseIp })).toThrow(InvalidLocalMeshError);
    expect(() => planLocalMesh({ topology, mode, baseIp })).toThrow(message);
  });

  it('refuses workloads it cannot place, naming the field', () => {
    const bad = (workloads: WorkloadSpec[], namespace = 'default'): MeshTopology => ({
      namespace,
      workloads,
    });
    expect(() => planLocalMesh({ topology: bad([]), mode: 'loopback' })).toThrow(
      'topology.workloads: expected at least one workload',
    );
    expect(() =>
      planLocalMesh({ topology: bad([workload({ name: 'a' }), workload({ name: 'a' })]), mode: 'loopback' }),
    ).toThrow('topology.workloads[1].name: expected a name used once, got "a"');
    expect(() => planLocalMesh({ topology: bad([workload({ name: 'Web' })]), mode: 'loopback' })).toThrow(
      /workloads\[0\]\.name: expected a DNS label/,
    );
    expect(() =>
      planLocalMesh({ topology: bad([workload({ name: 'a', port: 4143 })]), mode: 'loopback' }),
    ).toThrow(/port: expected a port other than the proxy ports/);
    expect(() =>
      planLocalMesh({
        topology: bad([workload({ name: 'a', service: { name: 's', port: 80 } })]),
        mode: 'loopback',
      }),
    ).toThrow(/service: expected no Service on a workload without a port/);
    expect(() =>
      planLocalMesh({ topology: bad([workload({ name: 'a' })], 'Demo'), mode: 'loopback' }),
    ).toThrow('topology.namespace: expected a DNS label such as default, got "Demo"');
  });
});

describe('port offset', () => {
  it('moves every port the mesh listens on, and nothing else', () => {
    const plan = planLocalMesh({ topology, mode: 'loopback', portOffset: 10_000 });
    expect(plan.controlPlanePorts.controller).toBe(18_085);
    expect(plan.proxyPorts).toEqual({ outbound: 14_140, inbound: 14_143, admin: 14_191, control: 14_190 });
    const web = plan.pods.find((p) => p.name === 'web-0')!;
    expect(web.appPort).toBe(18_080);
    const ctx = appContext(plan, web);
    expect(ctx.listenAddr(8080)).toBe('127.0.1.4:18080');
    expect(ctx.outboundProxy).toBe('127.0.1.4:14140');
    // Service ports are names in explicit mode, not listened on: they stay.
    expect(ctx.serviceAddr('web')).toBe('web-svc.default.svc.cluster.local:80');
    expect(() => planLocalMesh({ topology, mode: 'loopback', portOffset: 60_000 })).toThrow(
      'portOffset: expected an integer from 0 to 55539, got "60000"',
    );
  });
});

describe('what apps are told', () => {
  it('in loopback mode: listen on the pod IP, dial services by name through the sidecar', () => {
    const plan = planLocalMesh({ topology, mode: 'loopback', baseIp: '127.0.9.1' });
    const web = plan.pods.find((p) => p.name === 'web-0')!;
    const ctx = appContext(plan, web);
    expect(ctx.outboundProxy).toBe('127.0.9.4:4140');
    expect(ctx.listenAddr(8080)).toBe('127.0.9.4:8080');
    expect(ctx.serviceAddr('emoji')).toBe('emoji-svc.default.svc.cluster.local:8080');
    expect(ctx.serviceAddr('web')).toBe('web-svc.default.svc.cluster.local:80');
    expect(() => ctx.serviceAddr('vote-bot')).toThrow(
      'serviceAddr: expected a workload with a Service, one of emoji, voting, web, got "vote-bot"',
    );
    expect(web.workload.app(ctx)).toEqual({
      command: '/usr/bin/node',
      args: [
        '--max-semi-space-size=1',
        '/app/main.ts',
        'web',
        '--listen',
        '127.0.9.4:8080',
        '--emoji-addr',
        'emoji-svc.default.svc.cluster.local:8080',
        '--voting-addr',
        'voting-svc.default.svc.cluster.local:8080',
        '--proxy',
        '127.0.9.4:4140',
      ],
      ready: /emojivoto \S+: listening on/,
    });
  });

  it('in netns mode: listen everywhere, dial pod addresses, no proxy (iptables intercepts)', () => {
    const plan = planLocalMesh({ topology, mode: 'netns' });
    const bot = plan.pods.find((p) => p.name === 'vote-bot-0')!;
    const ctx = appContext(plan, bot);
    expect(ctx.outboundProxy).toBeUndefined();
    expect(ctx.listenAddr(8080)).toBe('0.0.0.0:8080');
    expect(bot.workload.app(ctx).args).toEqual([
      '--max-semi-space-size=1',
      '/app/main.ts',
      'vote-bot',
      '--web-addr',
      '10.249.0.4:8080',
      '--rate',
      '5',
    ]);
  });
});
