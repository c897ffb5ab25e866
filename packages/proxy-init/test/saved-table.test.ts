import { describe, expect, it } from 'vitest';
import { jumpsTo, parseSavedTable, rulesOf, splitSaveWords } from '../src/saved-table.js';

describe('parseSavedTable', () => {
  it('reads chains and rules of the nat table only, unquoting words', () => {
    const table =
      parseSavedTable(`# Warning: iptables-legacy tables present, use iptables-legacy-save to see them
*filter
:INPUT ACCEPT [0:0]
-A INPUT -j DROP
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [10:600]
:PROXY_INIT_REDIRECT - [0:0]
-A PREROUTING -m comment --comment "proxy-init/install-proxy-init-prerouting" -j PROXY_INIT_REDIRECT
-A PROXY_INIT_REDIRECT -p tcp -m comment --comment "a \\"quoted\\" word" -j RETURN
COMMIT
`);
    expect([...table.chains]).toEqual(['PREROUTING', 'OUTPUT', 'PROXY_INIT_REDIRECT']);
    expect(table.rules).toEqual([
      {
        chain: 'PREROUTING',
        spec: [
          '-m',
          'comment',
          '--comment',
          'proxy-init/install-proxy-init-prerouting',
          '-j',
          'PROXY_INIT_REDIRECT',
        ],
      },
      {
        chain: 'PROXY_INIT_REDIRECT',
        spec: ['-p', 'tcp', '-m', 'comment', '--comment', 'a "quoted" word', '-j', 'RETURN'],
      },
    ]);
    expect(jumpsTo(rulesOf(table, 'PREROUTING')[0]!, 'PROXY_INIT_REDIRECT')).toBe(true);
    expect(jumpsTo(rulesOf(table, 'PROXY_INIT_REDIRECT')[0]!, 'PROXY_INIT_REDIRECT')).toBe(false);
  });

  it('gives an empty table for empty or unrelated text', () => {
    expect(parseSavedTable('')).toEqual({ chains: new Set(), rules: [] });
    expect(parseSavedTable('*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n').rules).toEqual([]);
  });

  it('splits words with empty quotes and tabs', () => {
    expect(splitSaveWords('-A X\t--comment "" -j  RETURN')).toEqual([
      '-A',
      'X',
      '--comment',
      '',
      '-j',
      'RETURN',
    ]);
  });
});
