import { ConfigError, formatIp, type IpNetwork, parseNetwork } from '@skein/core';
import { NetnsError } from './netns-error.js';
import { deleteNetns, deleteNetnsSync, NETNS_PREFIX, sweepStaleNetns } from './netns-names.js';
import { Pod } from './pod.js';
import { mustRun } from './system-command.js';

/** Options of {@link createPodNetwork}. */
export interface PodNetworkOptions {
  /** IPv4 subnet the pods get addresses from, in order from host 1. Default `10.248.0.0/24`. */
  readonly subnet?: string;
  /** IPv6 subnet (from host 1), or false for IPv4 only. Default `fd00:5ce1::/64`. */
  readonly ipv6Subnet?: string | false;
}

const POD_NAME = /^[a-z][a-z0-9]{0,19}$/;
const live = new Set<PodNetwork>();
let exitHookInstalled = false;
let runs = 0;

/**
 * Pods joined by one Linux bridge. The bridge lives in a namespace of its own, so the host's
 * interfaces, routes and iptables are never touched, and deleting the namespaces removes every
 * veth. Made by {@link createPodNetwork}.
 */
export class PodNetwork {
  /** Prefix of every namespace of this run, e.g. `skein-tk-123-0-`. */
  readonly prefix: string;
  readonly #subnet: IpNetwork;
  readonly #subnet6: IpNetwork | undefined;
  readonly #switch: string;
  readonly #pods: Pod[] = [];
  #closed = false;

  /** Use {@link createPodNetwork}. */
  constructor(prefix: string, subnet: IpNetwork, subnet6: IpNetwork | undefined) {
    this.prefix = prefix;
    this.#subnet = subnet;
    this.#subnet6 = subnet6;
    this.#switch = `${prefix}switch`;
  }

  /** The pods added so far. */
  get pods(): readonly Pod[] {
    return this.#pods;
  }

  /** The namespaces this network owns (the switch's and the pods'). */
  get namespaces(): string[] {
    return [this.#switch, ...this.#pods.map((p) => p.netns)];
  }

  /** @internal Creates the switch namespace and its bridge. */
  async start(): Promise<void> {
    await mustRun(['ip', 'netns', 'add', this.#switch]);
    await mustRun(['ip', '-n', this.#switch, 'link', 'add', 'br0', 'type', 'bridge']);
    await mustRun(['ip', '-n', this.#switch, 'link', 'set', 'br0', 'up']);
  }

  /**
   * Adds a pod named `name` (lowercase letters and digits): a namespace with `lo` up, `eth0`
   * attached to the bridge, the next address of the subnet(s) and a default route.
   *
   * @throws {ConfigError} for a bad or duplicate name; {@link NetnsError} when `ip` fails.
   */
  async addPod(name: string): Promise<Pod> {
    if (this.#closed) throw new NetnsError('the pod network is closed');
    if (!POD_NAME.test(name))
      throw new ConfigError('pod name', name, 'a lowercase letter then up to 19 letters or digits');
    if (this.#pods.some((p) => p.name === name))
      throw new ConfigError('pod name', name, 'a name not used yet in this network');
    const host = this.#pods.length + 1;
    const ip = hostAddress(this.#subnet, host);
    const ip6 = this.#subnet6 === undefined ? undefined : hostAddress(this.#subnet6, host);
    const pod = new Pod({ name, netns: `${this.prefix}${name}`, ip, ip6 });
    this.#pods.push(pod);
    const ns = pod.netns;
    const peer = `v-${name}`.slice(0, 15);
    await mustRun(['ip', 'netns', 'add', ns]);
    await mustRun(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
    await mustRun([
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
      this.#switch,
    ]);
    await mustRun(['ip', '-n', this.#switch, 'link', 'set', peer, 'master', 'br0', 'up']);
    await mustRun(['ip', '-n', ns, 'addr', 'add', `${ip}/${this.#subnet.prefix}`, 'dev', 'eth0']);
    if (ip6 !== undefined) {
      // nodad: the address is usable at once instead of after duplicate address detection.
      await mustRun([
        'ip',
        '-n',
        ns,
        'addr',
        'add',
        `${ip6}/${this.#subnet6!.prefix}`,
        'dev',
        'eth0',
        'nodad',
      ]);
    }
    await mustRun(['ip', '-n', ns, 'link', 'set', 'eth0', 'up']);
    // A default route lets a pod connect to any address (e.g. 192.0.2.2), as in a cluster; with
    // iptables redirecting, such connections never leave the pod.
    await mustRun(['ip', '-n', ns, 'route', 'add', 'default', 'dev', 'eth0']);
    if (ip6 !== undefined) await mustRun(['ip', '-n', ns, '-6', 'route', 'add', 'default', 'dev', 'eth0']);
    return pod;
  }

  /** Stops every pod's processes and deletes all the namespaces (and so the bridge and veths). Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    live.delete(this);
    const errors: unknown[] = [];
    for (const pod of this.#pods) await pod.close().catch((e: unknown) => errors.push(e));
    await deleteNetns(this.#switch).catch((e: unknown) => errors.push(e));
    if (errors.length > 0)
      throw new NetnsError(`tearing down ${this.prefix}*: ${String(errors[0])}`, { cause: errors[0] });
  }

  /** @internal Synchronous teardown for the process exit hook. */
  closeSync(): void {
    this.#closed = true;
    for (const ns of this.namespaces) deleteNetnsSync(ns);
  }
}

/** True when this process may create network namespaces (it runs as root). */
export function canCreateNetns(): boolean {
  return process.getuid?.() === 0;
}

/**
 * Creates an empty pod network: first sweeps namespaces left by dead test runs, then makes the
 * bridge. Close it in `afterAll`/`finally`; if the test process exits first, an exit hook
 * deletes the namespaces, and if it is killed, the next run's sweep does.
 *
 * @example
 * ```ts
 * const net = await createPodNetwork();
 * const a = await net.addPod('a');
 * const b = await net.addPod('b');
 * const server = await b.spawn(['python3', '-m', 'http.server', '8080'], { uid: 1000, ready: /Serving/ });
 * const res = await a.exec(['curl', '-s', `http://${b.ip}:8080/`]);
 * await net.close();
 * ```
 */
export async function createPodNetwork(options: PodNetworkOptions = {}): Promise<PodNetwork> {
  if (!canCreateNetns())
    throw new NetnsError('creating network namespaces needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN)');
  const subnet = parseSubnet(options.subnet ?? '10.248.0.0/24', 4, 'subnet');
  const subnet6 =
    options.ipv6Subnet === false
      ? undefined
      : parseSubnet(options.ipv6Subnet ?? 'fd00:5ce1::/64', 6, 'ipv6Subnet');
  await sweepStaleNetns();
  const network = new PodNetwork(`${NETNS_PREFIX}${process.pid}-${runs++}-`, subnet, subnet6);
  installExitHook();
  live.add(network);
  try {
    await network.start();
  } catch (err) {
    await network.close().catch(() => undefined);
    throw err;
  }
  return network;
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const network of live) network.closeSync();
  });
}

function parseSubnet(text: string, family: 4 | 6, field: string): IpNetwork {
  const expected =
    family === 4
      ? 'an IPv4 CIDR with a prefix of 8–30, e.g. 10.248.0.0/24'
      : 'an IPv6 CIDR with a prefix of 64–120, e.g. fd00:5ce1::/64';
  let net: IpNetwork;
  try {
    net = parseNetwork(text, field);
  } catch (err) {
    throw new ConfigError(field, text, expected, { cause: err });
  }
  const [min, max] = family === 4 ? [8, 30] : [64, 120];
  if (net.address.family !== family || net.prefix < min || net.prefix > max || !text.includes('/')) {
    throw new ConfigError(field, text, expected);
  }
  return net;
}

/** The `host`-th address of `net` (host bits only in the last word, enough for ≤ 2^32 hosts). */
function hostAddress(net: IpNetwork, host: number): string {
  const hostBits = (net.address.family === 4 ? 32 : 128) - net.prefix;
  if (hostBits < 32 && host >= 2 ** hostBits - 1) {
    throw new NetnsError(`subnet ${formatIp(net.address)}/${net.prefix} has no room for pod number ${host}`);
  }
  const words = Uint32Array.from(net.address.words);
  words[3] = (words[3]! + host) >>> 0;
  return formatIp({ family: net.address.family, words });
}
