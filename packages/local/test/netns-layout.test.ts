import { parseStaticDiscovery } from '@skein/discovery';
import { describe, expect, it } from 'vitest';
import { discoveryFile } from '../src/files/discovery-file.js';
import {
  CONTROL_PLANE_POD,
  controlPlaneIdentity,
  controlPlaneIgnoredInbound,
  podSubnet,
  proxyInitArgs,
} from '../src/netns/netns-layout.js';
import { inNetns, netnsProblem } from '../src/netns/pod-network.js';
import { emojivotoTopology } from '../src/plan/emojivoto-topology.js';
import { planLocalMesh } from '../src/plan/mesh-plan.js';

const plan = planLocalMesh({ topology: emojivotoTopology({ node: 'node', main: 'main.ts' }), mode: 'netns' });
const pod = {
  pod: 'web-0',
  netns: 'skein-ab12-web-0',
  path: '/run/netns/skein-ab12-web-0',
  ip: '10.249.0.4',
};

describe('netns layout', () => {
  it('needs Linux and root, and says so', () => {
    expect(netnsProblem('linux', 0)).toBeUndefined();
    expect(netnsProblem('linux', 1000)).toMatch(/^network namespaces and iptables need root/);
    expect(netnsProblem('darwin', 0)).toMatch(/^network namespaces are Linux only \(this is darwin\)/);
  });

  it('runs a program inside a pod as another user, keeping the right to read the checkout', () => {
    expect(inNetns(pod, ['node', 'main.js'], 2102)).toEqual([
      'nsenter',
      '--net=/run/netns/skein-ab12-web-0',
      '--',
      'setpriv',
      '--reuid=2102',
      '--regid=2102',
      '--clear-groups',
      '--inh-caps',
      '+dac_read_search',
      '--ambient-caps',
      '+dac_read_search',
      '--',
      'node',
      'main.js',
    ]);
    expect(inNetns(pod, ['node', 'x.js'])).toEqual([
      'nsenter',
      '--net=/run/netns/skein-ab12-web-0',
      '--',
      'node',
      'x.js',
    ]);
  });

  it('installs proxy-init with the proxy uid exempt and the admin and tap ports left alone', () => {
    expect(proxyInitArgs('/init.js', pod, plan, { inbound: [4190, 4191], outbound: [] })).toEqual([
      '/init.js',
      '--netns',
      '/run/netns/skein-ab12-web-0',
      '--incoming-proxy-port',
      '4143',
      '--outgoing-proxy-port',
      '4140',
      '--proxy-uid',
      '2102',
      '--inbound-ports-to-ignore',
      '4190,4191',
      '--ipv6=false',
      '--iptables-mode',
      'legacy',
    ]);
    // The control plane's pod keeps identity, destination and policy behind its proxy (TLS), not its HTTP APIs.
    const ignored = controlPlaneIgnoredInbound(plan);
    expect(ignored).toEqual(expect.arrayContaining([4190, 4191, 8084, 8085, 8088, 9990, 9996]));
    expect(ignored).not.toContain(8080);
    expect(ignored).not.toContain(8086);
    expect(ignored).not.toContain(8090);
    expect(podSubnet(plan)).toBe('10.249.0.0/24');
    expect(CONTROL_PLANE_POD).toBe('linkerd-0');
  });

  it("gives each pod's tap port its identity, so the meshed controller taps over mTLS", () => {
    const d = parseStaticDiscovery(discoveryFile(plan), 'discovery.yaml');
    const [tap] = d.authorities.get('10.249.0.4:4190')!.endpoints;
    expect(tap).toMatchObject({
      address: '10.249.0.4:4190',
      identity: { name: 'web.default.serviceaccount.identity.linkerd.cluster.local' },
    });
    expect(tap!.protocolHint).toBeUndefined();
    expect(controlPlaneIdentity()).toBe(
      'linkerd-control-plane.linkerd.serviceaccount.identity.linkerd.cluster.local',
    );
  });
});
