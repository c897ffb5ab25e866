import { hasErrorCode } from '@skein/core';
import { describe, expect, it } from 'vitest';
import { NO_FIREWALL_BINARIES_CODE, withAvailableBinaries } from '../src/mode-fallback.js';
import { resolveProxyInitConfig } from '../src/proxy-init-options.js';

const config = (o: object = {}) =>
  resolveProxyInitConfig({ incomingProxyPort: 4143, outgoingProxyPort: 4140, ...o });
const only =
  (...names: string[]) =>
  (p: string) =>
    names.includes(p);

describe('withAvailableBinaries', () => {
  it('keeps the chosen mode when its binaries exist', () => {
    const c = withAvailableBinaries(config({ iptablesMode: 'legacy' }), () => true);
    expect(c.mode).toBe('legacy');
  });

  it('falls back nft → plain → legacy', () => {
    const plain = ['iptables', 'iptables-save', 'ip6tables', 'ip6tables-save'];
    const nft = ['iptables-nft', 'iptables-nft-save', 'ip6tables-nft', 'ip6tables-nft-save'];
    expect(withAvailableBinaries(config({ iptablesMode: 'legacy' }), only(...plain, ...nft)).mode).toBe(
      'nft',
    );
    expect(withAvailableBinaries(config({ iptablesMode: 'legacy' }), only(...plain)).mode).toBe('plain');
    const c = withAvailableBinaries(config({ iptablesMode: 'nft' }), only(...plain));
    expect(c.binaries).toEqual({
      iptables: 'iptables',
      iptablesSave: 'iptables-save',
      ip6tables: 'ip6tables',
      ip6tablesSave: 'ip6tables-save',
    });
  });

  it('needs the IPv6 binaries only with ipv6', () => {
    const v4legacy = only('iptables-legacy', 'iptables-legacy-save');
    expect(withAvailableBinaries(config({ ipv6: false }), v4legacy).mode).toBe('legacy');
    expect(() => withAvailableBinaries(config({ ipv6: true }), v4legacy)).toThrow(/ip6tables-legacy/);
  });

  it('keeps bin paths the caller chose', () => {
    const c = config({ firewallBinPath: '/x/iptables', firewallSaveBinPath: '/x/iptables-save' });
    expect(withAvailableBinaries(c, () => false)).toBe(c);
  });

  it('names what it looked for when nothing exists', () => {
    let err: unknown;
    try {
      withAvailableBinaries(config({ ipv6: false }), () => false);
    } catch (e) {
      err = e;
    }
    expect(hasErrorCode(err, NO_FIREWALL_BINARIES_CODE)).toBe(true);
    expect((err as Error).message).toBe(
      'no iptables binaries found for any mode (looked for: iptables-legacy, iptables-legacy-save; iptables-nft, iptables-nft-save; iptables, iptables-save)',
    );
  });
});
