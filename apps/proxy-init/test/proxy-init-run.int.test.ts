import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canCreateNetns, createPodNetwork, type Pod, type PodNetwork, runCommand } from '@skein/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

function proxyInit(args: string[], env?: Record<string, string | undefined>) {
  return runCommand([process.execPath, BIN, ...args], { timeoutMs: 30_000, env });
}

/** `iptables-save -t nat` lines that mention PROXY_INIT, without counters. */
async function proxyInitLines(pod: Pod, save: string): Promise<string[]> {
  const out = (await pod.exec([save, '-t', 'nat'])).stdout;
  return out
    .split('\n')
    .filter((l) => l.includes('PROXY_INIT'))
    .map((l) => l.replace(/ \[\d+:\d+\]$/, ''));
}

// iptables needs CAP_NET_ADMIN inside a namespace of its own: root only. CI runs as root.
describe.skipIf(!canCreateNetns())('skein-proxy-init against real iptables', () => {
  let net: PodNetwork;
  let pod: Pod;
  let dir: string;
  const flags = () => ['-p', '4143', '-o', '4140', '-u', '2102', '--netns', pod.netnsPath, '--ipv6=false'];

  beforeAll(async () => {
    net = await createPodNetwork({ ipv6Subnet: false });
    pod = await net.addPod('p');
    dir = mkdtempSync(join(tmpdir(), 'skein-proxy-init-'));
  });

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await net?.close();
  });

  it('installs once however often it runs, logging the final table as JSON', async () => {
    const first = await proxyInit([...flags(), '--log-format', 'json']);
    expect(first.code).toBe(0);
    const installed = await proxyInitLines(pod, 'iptables-legacy-save');
    expect(installed).toHaveLength(8); // 2 chains, 2 jumps, 4 rules
    const second = await proxyInit([...flags(), '--log-format', 'json']);
    expect(second.code).toBe(0);
    expect(await proxyInitLines(pod, 'iptables-legacy-save')).toEqual(installed);
    const logs = second.stderr
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { level: string; msg: string });
    const dump = logs.find((l) => l.msg.startsWith('ipv4 nat table after the changes:'));
    expect(dump?.level).toBe('info');
    expect(dump?.msg).toContain(
      '-A PREROUTING -m comment --comment "proxy-init/install-proxy-init-prerouting" -j PROXY_INIT_REDIRECT',
    );
    expect(logs.at(-1)).toMatchObject({
      level: 'info',
      msg: 'proxy-init rules installed',
      mode: 'legacy',
      changes: 6, // a re-run: 2 flushes and 4 rules, no jumps
    });
    expect((await proxyInit([...flags(), '--cleanup'])).code).toBe(0);
    expect(await proxyInitLines(pod, 'iptables-legacy-save')).toEqual([]);
  });

  it('fails midway with exit code 1 and rolls back: nothing half-applied', async () => {
    // An iptables that fails on one rule, after several others went in.
    const flaky = join(dir, 'iptables-flaky');
    writeFileSync(
      flaky,
      '#!/bin/sh\ncase "$*" in *redirect-all-outgoing-to-proxy-port*) echo "injected failure" >&2; exit 4;; esac\nexec iptables-legacy "$@"\n',
    );
    chmodSync(flaky, 0o755);
    const r = await proxyInit([
      ...flags(),
      '--firewall-bin-path',
      flaky,
      '--firewall-save-bin-path',
      'iptables-legacy-save',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /ERROR installing the proxy-init rules failed: command `nsenter --net=\S+ -- \S+iptables-flaky -t nat -A PROXY_INIT_OUTPUT -p tcp -j REDIRECT --to-port 4140 -m comment --comment proxy-init\/redirect-all-outgoing-to-proxy-port` exited with code 4: injected failure; rolled back 6 applied change\(s\), the table is as it was/,
    );
    expect(await proxyInitLines(pod, 'iptables-legacy-save')).toEqual([]);
  });

  it('leaves the table alone on invalid flags', async () => {
    const r = await proxyInit([...flags(), '--outbound-ports-to-ignore', '70000']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('invalid --outbound-ports-to-ignore="70000"');
    expect(await proxyInitLines(pod, 'iptables-legacy-save')).toEqual([]);
  });

  it('falls back to iptables-nft when the legacy binaries are missing', async () => {
    const bin = join(dir, 'bin');
    await runCommand(['mkdir', '-p', bin]);
    for (const [name, target] of [
      ['iptables-nft', '/usr/sbin/iptables-nft'],
      ['iptables-nft-save', '/usr/sbin/iptables-nft-save'],
      ['nsenter', '/usr/bin/nsenter'],
    ]) {
      symlinkSync(target!, join(bin, name!));
    }
    const r = await proxyInit([...flags(), '--iptables-mode', 'legacy'], { ...process.env, PATH: bin });
    expect(r.stderr).toMatch(/WARN iptables binaries missing: falling back requested=legacy using=nft/);
    expect(r.code).toBe(0);
    expect(await proxyInitLines(pod, 'iptables-nft-save')).toHaveLength(8);
    expect((await proxyInit([...flags(), '--iptables-mode', 'nft', '--cleanup'])).code).toBe(0);
    expect(await proxyInitLines(pod, 'iptables-nft-save')).toEqual([]);
  });

  it('exits 1 naming what it looked for when no iptables exists at all', async () => {
    const r = await proxyInit(flags(), { ...process.env, PATH: join(dir, 'empty') });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'no iptables binaries found for any mode (looked for: iptables-legacy, iptables-legacy-save;',
    );
  });
});
