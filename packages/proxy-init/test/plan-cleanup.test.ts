import { describe, expect, it } from 'vitest';
import { formatCommandLine } from '../src/firewall-command.js';
import { planCleanup } from '../src/plan-cleanup.js';
import type { IptablesPlan } from '../src/plan-step.js';

const opts = { incomingProxyPort: 4143, outgoingProxyPort: 4140, ipv6: false };
const lines = (plan: IptablesPlan) => plan.steps.map((s) => formatCommandLine(s.command));
const undos = (plan: IptablesPlan) =>
  plan.steps.flatMap((s) => (s.kind === 'change' ? s.undo.map(formatCommandLine) : []));

const SAVED = `*nat
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:PROXY_INIT_OUTPUT - [0:0]
:PROXY_INIT_REDIRECT - [0:0]
-A PREROUTING -s 10.9.0.0/16 -j RETURN
-A PREROUTING -m comment --comment "proxy-init/install-proxy-init-prerouting" -j PROXY_INIT_REDIRECT
-A PREROUTING -j PROXY_INIT_REDIRECT
-A OUTPUT -m comment --comment "proxy-init/install-proxy-init-output" -j PROXY_INIT_OUTPUT
-A PROXY_INIT_OUTPUT -o lo -m comment --comment "proxy-init/ignore-loopback" -j RETURN
COMMIT
`;

describe('planCleanup', () => {
  it('without a saved table: -D both jumps, -F both chains, -X both chains', () => {
    expect(lines(planCleanup(opts))).toEqual([
      'iptables-legacy-save -t nat',
      'iptables-legacy -t nat -D PREROUTING -j PROXY_INIT_REDIRECT -m comment --comment proxy-init/install-proxy-init-prerouting',
      'iptables-legacy -t nat -D OUTPUT -j PROXY_INIT_OUTPUT -m comment --comment proxy-init/install-proxy-init-output',
      'iptables-legacy -t nat -F PROXY_INIT_REDIRECT',
      'iptables-legacy -t nat -F PROXY_INIT_OUTPUT',
      'iptables-legacy -t nat -X PROXY_INIT_REDIRECT',
      'iptables-legacy -t nat -X PROXY_INIT_OUTPUT',
      'iptables-legacy-save -t nat',
    ]);
  });

  it('from a saved table removes every jump there (last first) and only existing chains', () => {
    const plan = planCleanup(opts, { ipv4: SAVED });
    expect(lines(plan)).toEqual([
      'iptables-legacy-save -t nat',
      'iptables-legacy -t nat -D PREROUTING -j PROXY_INIT_REDIRECT',
      'iptables-legacy -t nat -D PREROUTING -m comment --comment proxy-init/install-proxy-init-prerouting -j PROXY_INIT_REDIRECT',
      'iptables-legacy -t nat -D OUTPUT -m comment --comment proxy-init/install-proxy-init-output -j PROXY_INIT_OUTPUT',
      'iptables-legacy -t nat -F PROXY_INIT_REDIRECT',
      'iptables-legacy -t nat -F PROXY_INIT_OUTPUT',
      'iptables-legacy -t nat -X PROXY_INIT_REDIRECT',
      'iptables-legacy -t nat -X PROXY_INIT_OUTPUT',
      'iptables-legacy-save -t nat',
    ]);
    // Undone in reverse, the jumps go back at their original positions (2 before 3).
    expect(undos(plan)).toEqual([
      'iptables-legacy -t nat -I PREROUTING 3 -j PROXY_INIT_REDIRECT',
      'iptables-legacy -t nat -I PREROUTING 2 -m comment --comment proxy-init/install-proxy-init-prerouting -j PROXY_INIT_REDIRECT',
      'iptables-legacy -t nat -I OUTPUT 1 -m comment --comment proxy-init/install-proxy-init-output -j PROXY_INIT_OUTPUT',
      'iptables-legacy -t nat -A PROXY_INIT_OUTPUT -o lo -m comment --comment proxy-init/ignore-loopback -j RETURN',
      'iptables-legacy -t nat -N PROXY_INIT_REDIRECT',
      'iptables-legacy -t nat -N PROXY_INIT_OUTPUT',
    ]);
  });

  it('plans nothing to change for a clean table', () => {
    const plan = planCleanup(
      { ...opts, ipv6: true },
      { ipv4: '*nat\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n', ipv6: '' },
    );
    expect(plan.steps.map((s) => s.kind)).toEqual(['read-table', 'dump-table', 'read-table', 'dump-table']);
  });
});
