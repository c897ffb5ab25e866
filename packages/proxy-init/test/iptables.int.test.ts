import { canCreateNetns, createPodNetwork, type Pod, type PodNetwork } from '@skein/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupIptables, installIptables } from '../src/apply-plan.js';
import { type CommandRunner, execFileRunner } from '../src/command-runner.js';
import { formatCommandLine } from '../src/firewall-command.js';
import { ProxyInitError } from '../src/proxy-init-errors.js';
import type { ProxyInitOptions } from '../src/proxy-init-options.js';

/** The nat table without the comment lines and packet counters, which change from run to run. */
function normalize(save: string): string[] {
  return save
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => l.replace(/ \[\d+:\d+\]$/, ''));
}

const LINKERD: ProxyInitOptions = {
  incomingProxyPort: 4143,
  outgoingProxyPort: 4140,
  proxyUid: 2102,
  inboundPortsToIgnore: ['4190,4191,4567,4568'],
  outboundPortsToIgnore: ['4567,4568'],
};

/** What iptables-save prints for LINKERD, in both families (iptables-save orders chains by name). */
const INSTALLED = [
  '*nat',
  ':PREROUTING ACCEPT',
  ':INPUT ACCEPT',
  ':OUTPUT ACCEPT',
  ':POSTROUTING ACCEPT',
  ':PROXY_INIT_OUTPUT -',
  ':PROXY_INIT_REDIRECT -',
  '-A PREROUTING -m comment --comment "proxy-init/install-proxy-init-prerouting" -j PROXY_INIT_REDIRECT',
  '-A OUTPUT -m comment --comment "proxy-init/install-proxy-init-output" -j PROXY_INIT_OUTPUT',
  '-A PROXY_INIT_OUTPUT -m owner --uid-owner 2102 -m comment --comment "proxy-init/ignore-proxy-user-id" -j RETURN',
  '-A PROXY_INIT_OUTPUT -o lo -m comment --comment "proxy-init/ignore-loopback" -j RETURN',
  '-A PROXY_INIT_OUTPUT -p tcp -m multiport --dports 4567,4568 -m comment --comment "proxy-init/ignore-port-4567,4568" -j RETURN',
  '-A PROXY_INIT_OUTPUT -p tcp -m comment --comment "proxy-init/redirect-all-outgoing-to-proxy-port" -j REDIRECT --to-ports 4140',
  '-A PROXY_INIT_REDIRECT -p tcp -m multiport --dports 4190,4191,4567,4568 -m comment --comment "proxy-init/ignore-port-4190,4191,4567,4568" -j RETURN',
  '-A PROXY_INIT_REDIRECT -p tcp -m comment --comment "proxy-init/redirect-all-incoming-to-proxy-port" -j REDIRECT --to-ports 4143',
  'COMMIT',
];
const EMPTY = [
  '*nat',
  ':PREROUTING ACCEPT',
  ':INPUT ACCEPT',
  ':OUTPUT ACCEPT',
  ':POSTROUTING ACCEPT',
  'COMMIT',
];

/** Runs everything for real, except that the first command whose line contains `needle` runs a program that does not exist. */
function failingAt(needle: string): { runner: CommandRunner; ran: string[] } {
  const real = execFileRunner();
  const ran: string[] = [];
  let failed = false;
  const runner: CommandRunner = (command) => {
    const line = formatCommandLine(command);
    ran.push(line);
    if (!failed && line.includes(needle)) {
      failed = true;
      // The program nsenter runs (right after `--`) becomes one that does not exist.
      const at = command.args.indexOf('--') + 1;
      return real({
        file: command.file,
        args: command.args.map((a, i) => (i === at ? '/nonexistent/iptables' : a)),
      });
    }
    return real(command);
  };
  return { runner, ran };
}

// Real iptables needs CAP_NET_ADMIN in a namespace of its own: root only. CI runs as root.
describe.skipIf(!canCreateNetns()).each(['legacy', 'nft'] as const)(
  'real iptables-%s in a network namespace',
  (mode) => {
    let net: PodNetwork;
    let pod: Pod;
    let options: ProxyInitOptions;
    const table = async (family: 'ipv4' | 'ipv6') => {
      const save = family === 'ipv4' ? `iptables-${mode}-save` : `ip6tables-${mode}-save`;
      return normalize((await pod.exec([save, '-t', 'nat'])).stdout);
    };
    const closeWait = async () =>
      (await pod.exec(['sysctl', '-n', 'net.netfilter.nf_conntrack_tcp_timeout_close_wait'])).stdout.trim();

    beforeAll(async () => {
      net = await createPodNetwork({ ipv6Subnet: false });
      pod = await net.addPod(mode);
      options = { ...LINKERD, iptablesMode: mode, netns: pod.netnsPath };
    });

    afterAll(() => net?.close());

    it('installs the chains and rules with their comments, IPv4 and IPv6', async () => {
      const result = await installIptables(options);
      expect(await table('ipv4')).toEqual(INSTALLED);
      expect(await table('ipv6')).toEqual(INSTALLED);
      expect(result.changes).toHaveLength(20);
      expect(normalize(result.tables.ipv4!)).toEqual(INSTALLED);
    });

    it('is idempotent: a second run flushes and refills, leaving one set of rules', async () => {
      const result = await installIptables(options);
      expect(
        result.changes.map((c) => formatCommandLine(c.command)).filter((l) => / -[NF] /.test(l)),
      ).toHaveLength(4);
      expect(await table('ipv4')).toEqual(INSTALLED);
      expect(await table('ipv6')).toEqual(INSTALLED);
    });

    it('rolls a failing re-install back to the rules that were there', async () => {
      const { runner, ran } = failingAt(`ip6tables-${mode} -t nat -F PROXY_INIT_REDIRECT`);
      const changed = { ...options, proxyUid: 3000, outboundPortsToIgnore: ['1-2'] };
      const err = await installIptables(changed, { runner }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProxyInitError);
      // The whole IPv4 part had been applied (with the new uid) before the IPv6 part failed.
      expect(ran.some((l) => l.includes('--uid-owner 3000'))).toBe(true);
      expect((err as ProxyInitError).rolledBack).toBe(8);
      expect((err as ProxyInitError).rollbackErrors).toEqual([]);
      expect((err as Error).message).toMatch(
        /^installing the proxy-init rules failed: command `nsenter --net=\S+ -- \/nonexistent\/iptables -t nat -F PROXY_INIT_REDIRECT` exited with code 127: nsenter: failed to execute \/nonexistent\/iptables: No such file or directory; rolled back 8 applied change\(s\), the table is as it was$/,
      );
      expect(await table('ipv4')).toEqual(INSTALLED);
      expect(await table('ipv6')).toEqual(INSTALLED);
    });

    it('cleans up: no PROXY_INIT chains or jumps left; cleaning again changes nothing', async () => {
      const result = await cleanupIptables(options);
      expect(result.changes).toHaveLength(12);
      expect(await table('ipv4')).toEqual(EMPTY);
      expect(await table('ipv6')).toEqual(EMPTY);
      expect((await cleanupIptables(options)).changes).toEqual([]);
    });

    it('leaves nothing behind when a command fails midway through a first install (sysctl included)', async () => {
      const before = await closeWait();
      const { runner } = failingAt('redirect-all-outgoing-to-proxy-port');
      const err = await installIptables({ ...options, timeoutCloseWaitSecs: 1234 }, { runner }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ProxyInitError);
      expect((err as ProxyInitError).failure.command.args).toContain(
        'proxy-init/redirect-all-outgoing-to-proxy-port',
      );
      // sysctl + -N, 2 rules, jump, -N, 3 rules in PROXY_INIT_OUTPUT.
      expect((err as ProxyInitError).rolledBack).toBe(9);
      expect(await table('ipv4')).toEqual(EMPTY);
      expect(await table('ipv6')).toEqual(EMPTY);
      expect(await closeWait()).toBe(before);
    });

    it('sets the close-wait sysctl inside the namespace only', async () => {
      await installIptables({ ...options, ipv6: false, timeoutCloseWaitSecs: 77 });
      expect(await closeWait()).toBe('77');
      await cleanupIptables({ ...options, ipv6: false });
      expect(await table('ipv4')).toEqual(EMPTY);
    });

    it('cleans up jumps that another tool added, keeping unrelated rules', async () => {
      const save = `iptables-${mode}`;
      await pod.exec([save, '-t', 'nat', '-A', 'PREROUTING', '-s', '10.9.0.0/16', '-j', 'RETURN']);
      await installIptables({ ...options, ipv6: false });
      await pod.exec([save, '-t', 'nat', '-A', 'PREROUTING', '-j', 'PROXY_INIT_REDIRECT']);
      await cleanupIptables({ ...options, ipv6: false });
      expect(await table('ipv4')).toEqual([
        ...EMPTY.slice(0, 5),
        '-A PREROUTING -s 10.9.0.0/16 -j RETURN',
        'COMMIT',
      ]);
      await pod.exec([save, '-t', 'nat', '-F', 'PREROUTING']);
    });
  },
);
