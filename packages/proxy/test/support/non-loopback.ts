import { execFileSync } from 'node:child_process';
import { networkInterfaces } from 'node:os';

/**
 * A local IPv4 address that is not loopback, for tests of "localhost only" rules. Uses an
 * existing interface when there is one; otherwise (root only) adds a dummy interface, removed by
 * the returned cleanup.
 */
export function nonLoopbackAddress(): { address: string; cleanup: () => void } {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.family === 'IPv4' && !a.internal) return { address: a.address, cleanup: () => {} };
    }
  }
  execFileSync('ip', ['link', 'add', 'skeintest0', 'type', 'dummy']);
  execFileSync('ip', ['addr', 'add', '198.18.0.1/32', 'dev', 'skeintest0']);
  execFileSync('ip', ['link', 'set', 'skeintest0', 'up']);
  return {
    address: '198.18.0.1',
    cleanup: () => execFileSync('ip', ['link', 'del', 'skeintest0']),
  };
}
