import { describe, expect, it } from 'vitest';
import { readConfig, usage } from '../src/config.js';

describe('readConfig', () => {
  it('uses Linkerd’s defaults', () => {
    const c = readConfig([], {});
    expect(c).toMatchObject({
      addr: '0.0.0.0:8080',
      adminAddr: '0.0.0.0:9990',
      issuerDir: '/var/run/linkerd/identity/issuer',
      trustAnchorsFile: '/var/run/linkerd/identity/trust-roots/ca-bundle.crt',
      trustDomain: 'cluster.local',
      controllerNamespace: 'linkerd',
      issuanceLifetimeMs: 24 * 3600_000,
      clockSkewMs: 20_000,
      staticTokensFile: undefined,
      logFormat: 'plain',
    });
  });

  it('takes flags over env, and env over defaults', () => {
    const env = {
      SKEIN_IDENTITY_ADDR: '127.0.0.1:9000',
      SKEIN_IDENTITY_TRUST_DOMAIN: 'example.org',
      SKEIN_IDENTITY_ISSUANCE_LIFETIME: '1h',
    };
    const c = readConfig(['--addr', '127.0.0.1:7000', '--clock-skew-allowance', '0'], env);
    expect(c.addr).toBe('127.0.0.1:7000');
    expect(c.trustDomain).toBe('example.org');
    expect(c.issuanceLifetimeMs).toBe(3600_000);
    expect(c.clockSkewMs).toBe(0);
  });

  it('reports every bad setting with its name, value and expected form', () => {
    expect(() =>
      readConfig(['--issuance-lifetime', '0'], {
        SKEIN_IDENTITY_ADMIN_ADDR: 'x',
        SKEIN_IDENTITY_LOG_FORMAT: 'xml',
      }),
    ).toThrow(
      [
        '3 configuration settings are invalid:',
        '  - invalid SKEIN_IDENTITY_LOG_FORMAT="xml": expected "plain" or "json"',
        '  - invalid SKEIN_IDENTITY_ADMIN_ADDR="x": expected HOST:PORT where HOST is an IP or a DNS name, e.g. 127.0.0.1:4140 or dst.linkerd.svc:8086; the port is missing',
        '  - invalid --issuance-lifetime="0": expected a duration greater than 0',
      ].join('\n'),
    );
    expect(() => readConfig(['--nope'], {})).toThrow(/invalid arguments="--nope": expected known flags only/);
  });

  it('documents every flag with its help, variable and default, and the defaults parse', () => {
    const text = usage();
    const rows = text
      .split('\n')
      .filter((l) => l.startsWith('  --'))
      .map((l) => /^ {2}--([a-z-]+)\s+(.+?) \[\$([A-Z_]+)\](?: \(default (.+)\))?$/.exec(l));
    expect(rows.every((m) => m !== null)).toBe(true);
    const flags = rows.map((m) => ({ flag: m![1]!, help: m![2]!, env: m![3]!, def: m![4] }));
    expect(flags.map((f) => f.flag)).toEqual([
      'addr',
      'admin-addr',
      'issuer-dir',
      'trust-anchors-file',
      'trust-domain',
      'controller-namespace',
      'issuance-lifetime',
      'clock-skew-allowance',
      'issuer-poll-interval',
      'static-tokens-file',
      'kubeconfig',
      'log',
      'log-format',
    ]);
    for (const f of flags) {
      // A help text says more than the flag's own name.
      expect(f.help.length, `--${f.flag}`).toBeGreaterThan(10);
      expect(f.env).toMatch(/^(SKEIN_IDENTITY_[A-Z_]+|KUBECONFIG)$/);
      // Each flag is known to readConfig, and its documented default is a valid value.
      expect(() => readConfig([`--${f.flag}`, f.def ?? 'some-file'], {})).not.toThrow();
    }
    expect(flags.find((f) => f.flag === 'static-tokens-file')?.def).toBeUndefined();
    expect(text).toMatch(/^ {2}SKEIN_IDENTITY_TRUST_ANCHORS_PEM \(env only\): \S.+$/m);
  });
});
