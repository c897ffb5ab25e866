import { execFileSync } from 'node:child_process';

/** True when the tests may create network namespaces and iptables rules. */
export const isRoot = process.getuid?.() === 0;

/**
 * A private network namespace with loopback up, for tests that need iptables rules. Rules and
 * sockets inside it vanish with it, so nothing leaks into the host's network.
 */
export class NetNamespace {
  readonly name: string;

  constructor(tag: string) {
    this.name = `skein-${tag}-${process.pid}`;
    execFileSync('ip', ['netns', 'add', this.name]);
    execFileSync('ip', ['-n', this.name, 'link', 'set', 'lo', 'up']);
  }

  /** Runs a program inside the namespace and returns its stdout. */
  exec(file: string, args: string[], timeoutMs = 15_000): string {
    return execFileSync('ip', ['netns', 'exec', this.name, file, ...args], {
      encoding: 'utf8',
      timeout: timeoutMs,
    });
  }

  /** Deletes the namespace (idempotent). */
  delete(): void {
    try {
      execFileSync('ip', ['netns', 'del', this.name], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
}
