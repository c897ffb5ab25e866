import { NetnsError } from '../errors.js';
import { runSystem } from './system-command.js';

/** One network namespace of the local mesh. */
export interface NetnsPod {
  /** Pod name (`web-0`, or the control plane's). */
  readonly pod: string;
  /** `ip netns` name. */
  readonly netns: string;
  /** `/run/netns/<name>`, for `nsenter --net=` and `skein-proxy-init --netns`. */
  readonly path: string;
  readonly ip: string;
}

/** Why network namespaces cannot be used here, or undefined when they can. */
export function netnsProblem(platform: NodeJS.Platform, uid: number | undefined): string | undefined {
  if (platform !== 'linux')
    return `network namespaces are Linux only (this is ${platform}); run without --netns`;
  if (uid !== 0)
    return 'network namespaces and iptables need root (CAP_SYS_ADMIN, CAP_NET_ADMIN): run with sudo, or without --netns';
  return undefined;
}

/** Kills whatever runs in each namespace, then deletes it; missing ones are fine. */
export async function deleteNamespaces(names: readonly string[]): Promise<void> {
  for (const name of names) {
    const pids = await runSystem(['ip', 'netns', 'pids', name], true);
    for (const pid of pids.split(/\s+/).filter((p) => /^\d+$/.test(p))) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // Gone.
      }
    }
    await runSystem(['ip', 'netns', 'del', name], true);
  }
}

/**
 * The pods' network: a Linux bridge in a namespace of its own, a namespace per pod with `eth0`
 * on the bridge, and one veth from the host to the bridge, so this machine (the CLI, a browser)
 * reaches the pods and the control plane. Deleting the namespaces removes every link.
 *
 * ```
 *   host  <tag>h 10.249.0.254 ──┐
 *   control plane pod  .1 ──────┤ br0 (namespace <prefix>sw)
 *   pod web-0 .4 ───────────────┘ …
 * ```
 */
export class PodNetwork {
  readonly prefix: string;
  readonly hostIp: string;
  readonly #pods = new Map<string, NetnsPod>();
  readonly #created: string[] = [];
  readonly #record: (netns: string) => Promise<void>;
  readonly #hostLink: string;
  readonly #subnet: string;

  /**
   * @param tag - a few letters and digits unique to the run (namespace and link names).
   * @param subnet - `a.b.c.0/24`; the host gets `.254`.
   * @param record - called with each namespace before it is created, so a crash leaves a trace.
   */
  constructor(tag: string, subnet: string, record: (netns: string) => Promise<void>) {
    this.prefix = `skein-${tag}-`;
    this.#subnet = subnet;
    this.hostIp = subnet.replace(/\.0\/24$/, '.254');
    this.#hostLink = `sk${tag}h`.slice(0, 15);
    this.#record = record;
  }

  /** The namespaces created so far. */
  get namespaces(): readonly string[] {
    return this.#created;
  }

  /** The pod's namespace. */
  pod(name: string): NetnsPod {
    const pod = this.#pods.get(name);
    if (pod === undefined) throw new NetnsError(`no network namespace for pod ${name}`);
    return pod;
  }

  /**
   * Creates the bridge and the host's link to it.
   * @throws {NetnsError} when the subnet is already routed on this machine, or `ip` fails.
   */
  async create(): Promise<void> {
    const routes = (await runSystem(['ip', '-4', 'route', 'show', 'root', this.#subnet])).trim();
    if (routes !== '')
      throw new NetnsError(
        `${this.#subnet} is already routed on this machine (${routes.split('\n')[0]}); choose another --base-ip`,
      );
    const sw = await this.#netns('sw');
    await runSystem(['ip', '-n', sw, 'link', 'add', 'br0', 'type', 'bridge']);
    await runSystem(['ip', '-n', sw, 'link', 'set', 'br0', 'up']);
    await runSystem([
      'ip',
      'link',
      'add',
      this.#hostLink,
      'type',
      'veth',
      'peer',
      'name',
      'host',
      'netns',
      sw,
    ]);
    await runSystem(['ip', '-n', sw, 'link', 'set', 'host', 'master', 'br0', 'up']);
    await runSystem(['ip', 'addr', 'add', `${this.hostIp}/24`, 'dev', this.#hostLink]);
    await runSystem(['ip', 'link', 'set', this.#hostLink, 'up']);
  }

  /** Adds a pod: a namespace with `lo` up and `eth0` on the bridge at `ip`, default route through it. */
  async addPod(name: string, ip: string): Promise<NetnsPod> {
    const ns = await this.#netns(name);
    const sw = `${this.prefix}sw`;
    const peer = `v${this.#pods.size}`;
    await runSystem(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
    await runSystem([
      'ip',
      'link',
      'add',
      'eth0',
      'netns',
      ns,
      'type',
      'veth',
      'peer',
      'name',
      peer,
      'netns',
      sw,
    ]);
    await runSystem(['ip', '-n', sw, 'link', 'set', peer, 'master', 'br0', 'up']);
    await runSystem(['ip', '-n', ns, 'addr', 'add', `${ip}/24`, 'dev', 'eth0']);
    await runSystem(['ip', '-n', ns, 'link', 'set', 'eth0', 'up']);
    await runSystem(['ip', '-n', ns, 'route', 'add', 'default', 'dev', 'eth0']);
    const pod: NetnsPod = { pod: name, netns: ns, path: `/run/netns/${ns}`, ip };
    this.#pods.set(name, pod);
    return pod;
  }

  /** Deletes the host link, then every namespace (and with them the bridge and the veths). */
  async delete(): Promise<void> {
    // First, and explicitly: the kernel frees a deleted namespace's links asynchronously, and
    // the host's route to the subnet should be gone when this returns.
    await runSystem(['ip', 'link', 'del', this.#hostLink], true);
    await deleteNamespaces([...this.#created].reverse());
  }

  async #netns(suffix: string): Promise<string> {
    const name = `${this.prefix}${suffix}`;
    await this.#record(name);
    await runSystem(['ip', 'netns', 'add', name]);
    this.#created.push(name);
    return name;
  }
}

/** `argv` run inside `pod`'s namespace, as `uid` when given (util-linux nsenter and setpriv; both exec). */
export function inNetns(pod: NetnsPod, argv: readonly string[], uid?: number): string[] {
  const asUser =
    uid === undefined
      ? []
      : [
          'setpriv',
          `--reuid=${uid}`,
          `--regid=${uid}`,
          '--clear-groups',
          // Read the checkout and the run directory whoever owns them; iptables sees only the uid.
          '--inh-caps',
          '+dac_read_search',
          '--ambient-caps',
          '+dac_read_search',
          '--',
        ];
  return ['nsenter', `--net=${pod.path}`, '--', ...asUser, ...argv];
}
