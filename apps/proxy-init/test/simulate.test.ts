import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : Number((err as { code?: number }).code), stdout, stderr });
    });
  });
}

const LINKERD_FLAGS = [
  '--incoming-proxy-port',
  '4143',
  '--outgoing-proxy-port',
  '4140',
  '--proxy-uid',
  '2102',
  '--inbound-ports-to-ignore',
  '4190,4191,4567,4568',
  '--outbound-ports-to-ignore',
  '4567,4568',
];

const V4 = [
  'iptables-legacy-save -t nat',
  'iptables-legacy -t nat -N PROXY_INIT_REDIRECT',
  'iptables-legacy -t nat -A PROXY_INIT_REDIRECT -p tcp --match multiport --dports 4190,4191,4567,4568 -j RETURN -m comment --comment proxy-init/ignore-port-4190,4191,4567,4568',
  'iptables-legacy -t nat -A PROXY_INIT_REDIRECT -p tcp -j REDIRECT --to-port 4143 -m comment --comment proxy-init/redirect-all-incoming-to-proxy-port',
  'iptables-legacy -t nat -A PREROUTING -j PROXY_INIT_REDIRECT -m comment --comment proxy-init/install-proxy-init-prerouting',
  'iptables-legacy -t nat -N PROXY_INIT_OUTPUT',
  'iptables-legacy -t nat -A PROXY_INIT_OUTPUT -m owner --uid-owner 2102 -j RETURN -m comment --comment proxy-init/ignore-proxy-user-id',
  'iptables-legacy -t nat -A PROXY_INIT_OUTPUT -o lo -j RETURN -m comment --comment proxy-init/ignore-loopback',
  'iptables-legacy -t nat -A PROXY_INIT_OUTPUT -p tcp --match multiport --dports 4567,4568 -j RETURN -m comment --comment proxy-init/ignore-port-4567,4568',
  'iptables-legacy -t nat -A PROXY_INIT_OUTPUT -p tcp -j REDIRECT --to-port 4140 -m comment --comment proxy-init/redirect-all-outgoing-to-proxy-port',
  'iptables-legacy -t nat -A OUTPUT -j PROXY_INIT_OUTPUT -m comment --comment proxy-init/install-proxy-init-output',
  'iptables-legacy-save -t nat',
];

describe('skein-proxy-init --simulate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skein-proxy-init-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints exactly the commands for the Linkerd-default flags (IPv4, then IPv6 by default)', async () => {
    const r = await run(['--simulate', ...LINKERD_FLAGS]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${[...V4, ...V4.map((l) => l.replace(/^iptables/, 'ip6tables'))].join('\n')}\n`);
  });

  it('prints IPv4 only with --ipv6=false, as the injector passes it', async () => {
    const r = await run(['--simulate', ...LINKERD_FLAGS, '--ipv6=false']);
    expect(r.stdout).toBe(`${V4.join('\n')}\n`);
  });

  it('prints shell-quoted lines that a shell splits back into the same words', async () => {
    const r = await run([
      '--simulate',
      '-p',
      '4143',
      '-o',
      '4140',
      '--netns',
      "/run/netns/it's here",
      '--ipv6=false',
    ]);
    const first = r.stdout.split('\n')[0]!;
    expect(first).toBe(`nsenter '--net=/run/netns/it'\\''s here' -- iptables-legacy-save -t nat`);
    const words = await new Promise<string>((resolve) =>
      execFile('sh', ['-c', `printf '%s\\n' ${first}`], (_e, out) => resolve(out)),
    );
    expect(words.split('\n').slice(0, 2)).toEqual(['nsenter', "--net=/run/netns/it's here"]);
  });

  it('prints the cleanup plan with --cleanup', async () => {
    const r = await run([
      '--simulate',
      '--cleanup',
      '-p',
      '4143',
      '-o',
      '4140',
      '--ipv6=false',
      '--iptables-mode',
      'nft',
    ]);
    expect(r.stdout.split('\n').filter(Boolean)).toEqual([
      'iptables-nft-save -t nat',
      'iptables-nft -t nat -D PREROUTING -j PROXY_INIT_REDIRECT -m comment --comment proxy-init/install-proxy-init-prerouting',
      'iptables-nft -t nat -D OUTPUT -j PROXY_INIT_OUTPUT -m comment --comment proxy-init/install-proxy-init-output',
      'iptables-nft -t nat -F PROXY_INIT_REDIRECT',
      'iptables-nft -t nat -F PROXY_INIT_OUTPUT',
      'iptables-nft -t nat -X PROXY_INIT_REDIRECT',
      'iptables-nft -t nat -X PROXY_INIT_OUTPUT',
      'iptables-nft-save -t nat',
    ]);
  });

  it('runs nothing: a firewall binary that would leave a mark is never started', async () => {
    const marker = join(dir, 'ran');
    const fake = join(dir, 'iptables');
    writeFileSync(fake, `#!/bin/sh\ntouch ${marker}\n`);
    chmodSync(fake, 0o755);
    const r = await run([
      '--simulate',
      '-p',
      '4143',
      '-o',
      '4140',
      '--firewall-bin-path',
      fake,
      '--firewall-save-bin-path',
      fake,
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[1]).toBe(`${fake} -t nat -N PROXY_INIT_REDIRECT`);
    expect(existsSync(marker)).toBe(false);
  });

  it('exits 1 on invalid flags, printing every problem and no command', async () => {
    const r = await run([
      '--simulate',
      '-p',
      '0',
      '--inbound-ports-to-ignore',
      '80-70',
      '--log-format',
      'xml',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      [
        'skein-proxy-init: 4 configuration settings are invalid:',
        '  - invalid --log-format="xml": expected plain or json',
        '  - invalid --incoming-proxy-port="0": expected a TCP port in 1–65535',
        '  - --outgoing-proxy-port is required but not set: expected a TCP port in 1–65535 (Linkerd uses 4143 inbound, 4140 outbound)',
        '  - invalid --inbound-ports-to-ignore="80-70": expected ports or ranges such as 4190,4191 or 6000-8000 (ports 1–65535, range start ≤ end); range "80-70" has start > end',
        '',
      ].join('\n'),
    );
  });
});
