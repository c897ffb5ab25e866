import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { ComponentSpec } from '../components/component-spec.js';
import { InvalidLocalMeshError } from '../errors.js';
import type { MeshPlan } from '../plan/mesh-plan.js';
import { CONTROL_PLANE_POD, controlPlaneIgnoredInbound, podSubnet, proxyInitArgs } from './netns-layout.js';
import { inNetns, PodNetwork } from './pod-network.js';
import { runSystem } from './system-command.js';

/**
 * The netns mode's machinery for one run: the pod network (with the control plane's pod), the
 * iptables rules in every pod, and placing a process inside a pod as a given user.
 */
export class NetnsRuntime {
  readonly #plan: MeshPlan;
  readonly #network: PodNetwork;

  /** @param record - called with each namespace before it is created (the run record). */
  constructor(plan: MeshPlan, record: (netns: string) => Promise<void>) {
    this.#plan = plan;
    this.#network = new PodNetwork(randomBytes(2).toString('hex'), podSubnet(plan), record);
  }

  /** Creates the bridge, the host link and a namespace per pod (the control plane's first). */
  async create(): Promise<void> {
    await this.#network.create();
    await this.#network.addPod(CONTROL_PLANE_POD, this.#plan.controlPlaneIp);
    for (const pod of this.#plan.pods) await this.#network.addPod(pod.name, pod.ip);
  }

  /**
   * Runs `skein-proxy-init` in each pod, calling `done` after each. The control plane's pod
   * leaves its HTTP APIs and admin ports to the host, and lets its dashboard reach the
   * controller directly.
   */
  async installProxyInit(
    node: string,
    script: string | undefined,
    done: (pod: string) => void,
  ): Promise<void> {
    if (script === undefined)
      throw new InvalidLocalMeshError('binaries.proxyInit', '', 'the path of skein-proxy-init (netns mode)');
    const plan = this.#plan;
    const p = plan.proxyPorts;
    const pods = [
      {
        name: CONTROL_PLANE_POD,
        inbound: controlPlaneIgnoredInbound(plan),
        outbound: [plan.controlPlanePorts.controller],
      },
      ...plan.pods.map((pod) => ({ name: pod.name, inbound: [p.control, p.admin], outbound: [] })),
    ];
    for (const pod of pods) {
      await runSystem([node, ...proxyInitArgs(script, this.#network.pod(pod.name), plan, pod)]);
      done(pod.name);
    }
  }

  /** `spec`, run inside `pod`'s namespace (as `uid` when given). */
  place(spec: ComponentSpec, pod: string, uid?: number): ComponentSpec {
    const argv = inNetns(this.#network.pod(pod), [spec.command, ...spec.args], uid);
    return { ...spec, command: argv[0]!, args: argv.slice(1) };
  }

  /** The namespaces created so far. */
  get namespaces(): readonly string[] {
    return this.#network.namespaces;
  }

  /** Deletes the host link and every namespace. */
  delete(): Promise<void> {
    return this.#network.delete();
  }

  /** {@link delete}, synchronously and best effort: for a process exit hook. */
  deleteSync(): void {
    for (const ns of [...this.#network.namespaces].reverse()) {
      try {
        execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore', timeout: 5000 });
      } catch {
        // Already gone, or held: the next run's reaping deletes it.
      }
    }
  }
}
