import { describe, expect, it } from 'vitest';
import { type CliParse, parseCli } from '../src/cli-flags.js';
import { parseLogSettings } from '../src/log-settings.js';

function parse(argv: string[]): { result: CliParse; out: string; err: string } {
  let out = '';
  let err = '';
  const result = parseCli(argv, { writeOut: (t) => (out += t), writeErr: (t) => (err += t) });
  return { result, out, err };
}

function request(argv: string[]) {
  const { result } = parse(argv);
  if (result.kind !== 'run') throw new Error(`expected a request for ${argv.join(' ')}`);
  return result.request;
}

describe('parseCli', () => {
  it("has linkerd2-proxy-init's defaults", () => {
    expect(request(['-p', '4143', '-o', '4140'])).toEqual({
      options: {
        incomingProxyPort: '4143',
        outgoingProxyPort: '4140',
        proxyUid: '-1',
        proxyGid: '-1',
        portsToRedirect: [],
        inboundPortsToIgnore: [],
        outboundPortsToIgnore: [],
        subnetsToIgnore: [],
        netns: undefined,
        iptablesMode: undefined,
        ipv6: true,
        firewallBinPath: undefined,
        firewallSaveBinPath: undefined,
        useWaitFlag: false,
        timeoutCloseWaitSecs: '0',
      },
      simulate: false,
      cleanup: false,
      logFormat: 'plain',
      logLevel: 'info',
    });
  });

  it('takes short and long forms, repeated lists and = values', () => {
    const r = request([
      '--incoming-proxy-port=4143',
      '--outgoing-proxy-port',
      '4140',
      '-u',
      '2102',
      '-g',
      '2103',
      '-r',
      '9090',
      '-r',
      '9099,9100',
      '--inbound-ports-to-ignore',
      '4190,4191',
      '--inbound-ports-to-ignore=6000-8000',
      '--outbound-ports-to-ignore',
      '443',
      '--subnets-to-ignore',
      '10.0.0.0/8',
      '--netns',
      '/run/netns/x',
      '-w',
      '--timeout-close-wait-secs',
      '3600',
      '--iptables-mode',
      'nft',
      '--firewall-bin-path',
      'iptables-nft',
      '--firewall-save-bin-path',
      'iptables-nft-save',
      '--log-format',
      'json',
      '--log-level',
      'debug',
    ]);
    expect(r.options).toMatchObject({
      incomingProxyPort: '4143',
      outgoingProxyPort: '4140',
      proxyUid: '2102',
      proxyGid: '2103',
      portsToRedirect: ['9090', '9099,9100'],
      inboundPortsToIgnore: ['4190,4191', '6000-8000'],
      outboundPortsToIgnore: ['443'],
      subnetsToIgnore: ['10.0.0.0/8'],
      netns: '/run/netns/x',
      useWaitFlag: true,
      timeoutCloseWaitSecs: '3600',
      iptablesMode: 'nft',
      firewallBinPath: 'iptables-nft',
      firewallSaveBinPath: 'iptables-nft-save',
    });
    expect([r.logFormat, r.logLevel]).toEqual(['json', 'debug']);
  });

  it.each([
    [['--ipv6=false'], false],
    [['--ipv6', 'false'], false],
    [['--ipv6=true'], true],
    [['--ipv6'], true],
    [[], true],
  ])('reads %j as ipv6=%s (pflag-style booleans)', (flags, ipv6) => {
    expect(request(['-p', '1', '-o', '2', ...flags]).options.ipv6).toBe(ipv6);
  });

  it('reads --simulate and --cleanup', () => {
    const r = request(['-p', '1', '-o', '2', '--simulate', '--cleanup']);
    expect([r.simulate, r.cleanup]).toEqual([true, true]);
    expect(request(['-p', '1', '-o', '2', '--simulate=false']).simulate).toBe(false);
  });

  it.each([
    [['--bogus'], "error: unknown option '--bogus'"],
    [['-p'], "error: option '-p, --incoming-proxy-port <port>' argument missing"],
    [['--ipv6=maybe'], 'error: invalid --ipv6="maybe": expected true or false'],
    [['extra'], 'error: too many arguments'],
  ])('refuses %j with exit code 1 and a message', (argv, message) => {
    const { result, err } = parse(argv);
    expect(result).toEqual({ kind: 'exit', code: 1 });
    expect(err).toContain(message);
  });

  it('prints help with exit code 0, listing every linkerd2-proxy-init flag', () => {
    const { result, out } = parse(['--help']);
    expect(result).toEqual({ kind: 'exit', code: 0 });
    for (const flag of [
      '-p, --incoming-proxy-port',
      '-o, --outgoing-proxy-port',
      '-u, --proxy-uid',
      '-g, --proxy-gid',
      '-r, --ports-to-redirect',
      '--inbound-ports-to-ignore',
      '--outbound-ports-to-ignore',
      '--subnets-to-ignore',
      '--simulate',
      '--netns',
      '-w, --use-wait-flag',
      '--timeout-close-wait-secs',
      '--log-format',
      '--log-level',
      '--iptables-mode',
      '--ipv6',
      '--firewall-bin-path',
      '--firewall-save-bin-path',
      '--cleanup',
    ]) {
      expect(out).toContain(flag);
    }
  });
});

describe('parseLogSettings', () => {
  it('maps logrus level names and checks the format', () => {
    expect(parseLogSettings('json', 'WARNING')).toEqual({ format: 'json', filter: 'warn' });
    expect(parseLogSettings('plain', 'panic')).toEqual({ format: 'plain', filter: 'error' });
    expect(() => parseLogSettings('text', 'info')).toThrow(
      'invalid --log-format="text": expected plain or json',
    );
    expect(() => parseLogSettings('plain', 'loud')).toThrow(/invalid --log-level="loud"/);
  });
});
