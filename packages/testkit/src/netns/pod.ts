import { ConfigError } from '@skein/core';
import { type RunningProcess, runProcess } from '../process/run-process.js';
import { NetnsError } from './netns-error.js';
import { deleteNetns } from './netns-names.js';
import { asUser, idProblem, type RunAsOptions } from './run-as.js';
import { type CommandResult, type RunCommandOptions, runCommand } from './system-command.js';

/** Options of {@link Pod.exec}. */
export interface PodExecOptions extends RunAsOptions, RunCommandOptions {
  /** Resolve with the result even when the program exits non-zero (default: reject). */
  readonly allowFailure?: boolean;
}

/** Options of {@link Pod.spawn}. */
export interface PodSpawnOptions extends RunAsOptions {
  /** The child's whole environment; unset inherits the test's. */
  readonly env?: Record<string, string | undefined>;
  /** Working directory of the child. */
  readonly cwd?: string;
  /** Resolve only once a line of output matches. */
  readonly ready?: RegExp;
  /** How long to wait for `ready`. Default 10000 ms. */
  readonly readyTimeoutMs?: number;
}

/** Where a pod sits on the network. */
export interface PodAddress {
  /** The pod's name in the test. */
  readonly name: string;
  /** Its `ip netns` name. */
  readonly netns: string;
  /** Its IPv4 address. */
  readonly ip: string;
  /** Its IPv6 address, if the network has IPv6. */
  readonly ip6: string | undefined;
}

/**
 * A "pod": a network namespace with `lo` up and an `eth0` on the run's bridge, its own IPv4
 * address (and IPv6 unless disabled) and a default route through `eth0`. Commands run inside
 * it through `nsenter --net`, optionally as another user. Made by {@link PodNetwork.addPod}.
 */
export class Pod {
  /** The name the test gave, e.g. `a`. */
  readonly name: string;
  /** The namespace name (`ip netns` name), e.g. `skein-tk-123-0-a`. */
  readonly netns: string;
  /** The namespace file, for `nsenter --net=` or `skein-proxy-init --netns`. */
  readonly netnsPath: string;
  /** IPv4 address on the bridge. */
  readonly ip: string;
  /** IPv6 address on the bridge, when the network has IPv6. */
  readonly ip6: string | undefined;
  readonly #processes = new Set<RunningProcess>();
  #closed = false;

  constructor(address: PodAddress) {
    this.name = address.name;
    this.netns = address.netns;
    this.netnsPath = `/run/netns/${address.netns}`;
    this.ip = address.ip;
    this.ip6 = address.ip6;
  }

  /** `argv` prefixed to run inside this pod (and as `uid`/`gid` when given). */
  command(argv: readonly string[], options: RunAsOptions = {}): string[] {
    if (argv.length === 0) throw new ConfigError('argv', '[]', 'a program and its arguments');
    for (const [field, value] of [
      ['uid', options.uid],
      ['gid', options.gid],
    ] as const) {
      const problem = idProblem(value);
      if (problem !== undefined) throw new ConfigError(field, String(value), problem);
    }
    return ['nsenter', `--net=${this.netnsPath}`, '--', ...asUser(argv, options)];
  }

  /**
   * Runs a program inside the pod to completion.
   *
   * @throws {NetnsError} when it exits non-zero (unless `allowFailure`), naming it and its stderr.
   */
  async exec(argv: readonly string[], options: PodExecOptions = {}): Promise<CommandResult> {
    this.#assertOpen();
    const result = await runCommand(this.command(argv, options), options);
    if (result.code !== 0 && options.allowFailure !== true) {
      const how = result.code === null ? `was killed by ${result.signal}` : `exited with code ${result.code}`;
      throw new NetnsError(`in pod ${this.name}: \`${argv.join(' ')}\` ${how}: ${result.stderr.trim()}`);
    }
    return result;
  }

  /**
   * Starts a long-running program inside the pod (in its own process group) and, with `ready`,
   * waits for a matching output line. It is killed by {@link close} at the latest.
   */
  async spawn(argv: readonly string[], options: PodSpawnOptions = {}): Promise<RunningProcess> {
    this.#assertOpen();
    const [command, ...args] = this.command(argv, options);
    const proc = await runProcess({
      command: command!,
      args,
      env: options.env,
      cwd: options.cwd,
      ready: options.ready,
      readyTimeoutMs: options.readyTimeoutMs,
    });
    this.#processes.add(proc);
    void proc.exited.then(() => this.#processes.delete(proc));
    return proc;
  }

  /** Stops the processes it started, kills anything else left inside, and deletes the namespace. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#processes].map((p) => p.close(1000)));
    await deleteNetns(this.netns);
  }

  #assertOpen(): void {
    if (this.#closed) throw new NetnsError(`pod ${this.name} is closed`);
  }
}
