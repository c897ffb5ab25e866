import type { Logger } from '@skein/core';
import { describe, expect, it } from 'vitest';
import { cleanupIptables, installIptables } from '../src/apply-plan.js';
import type { CommandRunner } from '../src/command-runner.js';
import { formatCommandLine } from '../src/firewall-command.js';
import { FirewallCommandError, ProxyInitError } from '../src/proxy-init-errors.js';

const opts = { incomingProxyPort: 4143, outgoingProxyPort: 4140, ipv6: false, timeoutCloseWaitSecs: 30 };

/**
 * A stand-in for the system: records every command line, answers reads with `tables` and the
 * sysctl read with 60, and fails the commands `failOn` matches. The transaction logic is what
 * is under test here; iptables itself is exercised in iptables.int.test.ts.
 */
function recorder(failOn: (line: string) => boolean, tables = '') {
  const lines: string[] = [];
  const runner: CommandRunner = async (command) => {
    const line = formatCommandLine(command);
    lines.push(line);
    if (failOn(line)) throw new FirewallCommandError(command, 1, 'exited with code 1', 'boom');
    if (line.startsWith('sysctl -n')) return { stdout: '60\n', stderr: '' };
    return { stdout: line.includes('-save') ? tables : '', stderr: '' };
  };
  return { runner, lines };
}

function captureLogger(): { logger: Logger; lines: { level: string; obj: unknown; msg?: string }[] } {
  const lines: { level: string; obj: unknown; msg?: string }[] = [];
  const at =
    (level: string) =>
    (obj: object | string, msg?: string): void => {
      lines.push({ level, obj, msg });
    };
  const logger: Logger = {
    level: 'trace',
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    fatal: at('fatal'),
    child: () => logger,
    isLevelEnabled: () => true,
  };
  return { logger, lines };
}

describe('installIptables transaction', () => {
  it('runs sysctl read and set, the table read, the changes and the dump, in order', async () => {
    const { runner, lines } = recorder(() => false);
    const result = await installIptables(opts, { runner });
    expect(lines.slice(0, 4)).toEqual([
      'sysctl -n net.netfilter.nf_conntrack_tcp_timeout_close_wait',
      'sysctl -w net.netfilter.nf_conntrack_tcp_timeout_close_wait=30',
      'iptables-legacy-save -t nat',
      'iptables-legacy -t nat -N PROXY_INIT_REDIRECT',
    ]);
    expect(lines.at(-1)).toBe('iptables-legacy-save -t nat');
    expect(result.changes).toHaveLength(7);
  });

  it('stops at the first failure and undoes every applied change in reverse, sysctl last', async () => {
    const { runner, lines } = recorder((l) => l.includes('ignore-loopback') && l.includes(' -A '));
    const { logger, lines: logs } = captureLogger();
    const err = (await installIptables(opts, { runner, logger }).catch((e: unknown) => e)) as ProxyInitError;
    expect(err).toBeInstanceOf(ProxyInitError);
    expect(err.code).toBe('ERR_SKEIN_PROXY_INIT');
    expect(err.failure.stderr).toBe('boom');
    expect(err.rolledBack).toBe(5);
    const failedAt = lines.findIndex((l) => l.includes('ignore-loopback'));
    expect(lines.slice(failedAt + 1)).toEqual([
      'iptables-legacy -t nat -X PROXY_INIT_OUTPUT',
      'iptables-legacy -t nat -D PREROUTING -j PROXY_INIT_REDIRECT -m comment --comment proxy-init/install-proxy-init-prerouting',
      'iptables-legacy -t nat -D PROXY_INIT_REDIRECT -p tcp -j REDIRECT --to-port 4143 -m comment --comment proxy-init/redirect-all-incoming-to-proxy-port',
      'iptables-legacy -t nat -X PROXY_INIT_REDIRECT',
      'sysctl -w net.netfilter.nf_conntrack_tcp_timeout_close_wait=60',
    ]);
    expect(logs.some((l) => l.level === 'warn' && l.msg === 'rolled back the applied changes')).toBe(true);
  });

  it('keeps undoing when an undo command fails, and says the rollback is incomplete', async () => {
    const { runner } = recorder((l) => l.includes('ignore-loopback') || l.includes('-X PROXY_INIT_OUTPUT'));
    const err = (await installIptables(opts, { runner }).catch((e: unknown) => e)) as ProxyInitError;
    expect(err.rollbackErrors).toHaveLength(1);
    expect(err.message).toMatch(
      /rollback incomplete, 1 undo command\(s\) failed \(first: command `iptables-legacy -t nat -X PROXY_INIT_OUTPUT` exited with code 1: boom\)$/,
    );
  });

  it('does not roll back because the final dump failed; it logs a warning', async () => {
    let saves = 0;
    const runner: CommandRunner = async (command) => {
      if (command.file.endsWith('-save') && ++saves === 2)
        throw new FirewallCommandError(command, 1, 'exited with code 1');
      return { stdout: '', stderr: '' };
    };
    const { logger, lines } = captureLogger();
    const result = await installIptables({ ...opts, timeoutCloseWaitSecs: 0 }, { runner, logger });
    expect(result.changes).toHaveLength(7);
    expect(result.tables.ipv4).toBeUndefined();
    expect(lines.some((l) => l.level === 'warn' && l.msg === 'could not print the nat table')).toBe(true);
  });

  it('lets unexpected errors through without a rollback story', async () => {
    const runner: CommandRunner = async () => {
      throw new TypeError('bug');
    };
    await expect(installIptables(opts, { runner })).rejects.toThrow(TypeError);
  });

  it('validates options before running anything', async () => {
    const { runner, lines } = recorder(() => false);
    await expect(
      installIptables({ incomingProxyPort: 'x', outgoingProxyPort: 1 }, { runner }),
    ).rejects.toThrow(/--incoming-proxy-port/);
    await expect(cleanupIptables({}, { runner })).rejects.toThrow(/--outgoing-proxy-port/);
    expect(lines).toEqual([]);
  });
});
