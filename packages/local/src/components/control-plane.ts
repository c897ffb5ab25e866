import { join } from 'node:path';
import type { IdentityMaterial } from '../files/identity-material.js';
import type { MeshPlan } from '../plan/mesh-plan.js';
import type { LocalMeshBinaries } from './binaries.js';
import { type ComponentSpec, describeCheck, type ReadinessCheck } from './component-spec.js';

/** What the control-plane components are built from. */
export interface ControlPlaneInputs {
  readonly plan: MeshPlan;
  readonly binaries: LocalMeshBinaries;
  readonly identity: IdentityMaterial;
  readonly discoveryFile: string;
  readonly inventoryFile: string;
  /** V8 flags for every Node process. */
  readonly nodeFlags: readonly string[];
  /** Host the components listen on: the control-plane IP (loopback) or `0.0.0.0` (inside a namespace). */
  readonly listenHost: string;
  /** Host the controller listens on (the address it advertises to `skein`): the control-plane IP. */
  readonly controllerHost: string;
  /** Write the local mesh state file, so `skein` finds the controller. */
  readonly advertise: boolean;
  readonly scrapeIntervalMs: number;
}

function component(
  name: string,
  inputs: ControlPlaneInputs,
  script: string,
  args: readonly string[],
  ready: ReadinessCheck,
  env: Record<string, string> = {},
): ComponentSpec {
  return {
    name,
    command: inputs.binaries.node,
    args: [...inputs.nodeFlags, script, ...args],
    env,
    ready,
    readyWhat: describeCheck(ready),
  };
}

/** The control plane in start order: identity, destination (and policy), controller, tap, dashboard. */
export function controlPlaneComponents(inputs: ControlPlaneInputs): ComponentSpec[] {
  const { plan, binaries: bin, listenHost: host } = inputs;
  const ip = plan.controlPlaneIp;
  const p = plan.controlPlanePorts;
  const specs: ComponentSpec[] = [
    component(
      'identity',
      inputs,
      bin.identity,
      [
        '--addr',
        `${host}:${p.identity}`,
        '--admin-addr',
        `${host}:${p.identityAdmin}`,
        '--issuer-dir',
        inputs.identity.issuerDir,
        '--trust-anchors-file',
        inputs.identity.anchorsFile,
        '--static-tokens-file',
        inputs.identity.tokensFile,
        '--trust-domain',
        plan.clusterDomain,
        '--controller-namespace',
        plan.controlPlaneNamespace,
      ],
      { kind: 'http', url: `http://${ip}:${p.identityAdmin}/ready` },
    ),
    component(
      'destination',
      inputs,
      bin.destination,
      [
        '-addr',
        `${host}:${p.destination}`,
        '-admin-addr',
        `${host}:${p.destinationAdmin}`,
        '-policy-addr',
        `${host}:${p.policy}`,
        '-static-file',
        inputs.discoveryFile,
        '-cluster-domain',
        plan.clusterDomain,
        '-identity-trust-domain',
        plan.clusterDomain,
        '-controller-namespace',
        plan.controlPlaneNamespace,
      ],
      { kind: 'http', url: `http://${ip}:${p.destinationAdmin}/ready` },
    ),
    component(
      'controller',
      inputs,
      bin.controller,
      [
        '--addr',
        `${inputs.controllerHost}:${p.controller}`,
        '--inventory',
        inputs.inventoryFile,
        '--discovery-file',
        inputs.discoveryFile,
        '--scrape-interval',
        `${inputs.scrapeIntervalMs}ms`,
        '--advertise-local',
        String(inputs.advertise),
      ],
      { kind: 'http', url: `http://${ip}:${p.controller}/api/version` },
    ),
  ];
  if (bin.tap !== undefined) {
    specs.push(
      component(
        'tap',
        inputs,
        bin.tap,
        [
          '--addr',
          `${host}:${p.tap}`,
          '--inventory',
          inputs.inventoryFile,
          '--discovery-file',
          inputs.discoveryFile,
        ],
        { kind: 'tcp', host: ip, port: p.tap },
      ),
    );
  }
  if (bin.dashboard !== undefined) {
    specs.push(
      component(
        'dashboard',
        inputs,
        bin.dashboard,
        [
          '--addr',
          `${host}:${p.dashboard}`,
          '--api-addr',
          `${ip}:${p.controller}`,
          // The API answers only these Hosts (DNS rebinding): loopback names and the control-plane IP.
          '--enforced-host',
          `^(localhost|127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}|\\[::1\\]|${ip.replaceAll('.', '\\.')})(:\\d+)?$`,
        ],
        { kind: 'http', url: `http://${ip}:${p.dashboard}/ready` },
      ),
    );
  }
  return specs;
}

/** Every address the control plane listens on, with its purpose (for the port check). */
export function controlPlaneAddresses(
  plan: MeshPlan,
  binaries: LocalMeshBinaries,
): { port: number; purpose: string }[] {
  const p = plan.controlPlanePorts;
  return [
    { port: p.identity, purpose: 'the identity service (Certify)' },
    { port: p.identityAdmin, purpose: "the identity service's admin server" },
    { port: p.destination, purpose: 'the destination service' },
    { port: p.destinationAdmin, purpose: "the destination service's admin server" },
    { port: p.policy, purpose: 'the policy service' },
    { port: p.controller, purpose: 'the controller API' },
    ...(binaries.tap === undefined ? [] : [{ port: p.tap, purpose: 'the tap API' }]),
    ...(binaries.dashboard === undefined ? [] : [{ port: p.dashboard, purpose: 'the dashboard' }]),
  ];
}

/** `<runDir>/logs/<name>.log`. */
export function logFileOf(runDir: string, name: string): string {
  return join(runDir, 'logs', `${name}.log`);
}
