import { describe, expect, it } from 'vitest';
import { normalizeBooleanFlags } from '../src/boolean-flags.js';
import type { CliIO } from '../src/cli-io.js';
import { COMMANDS } from '../src/commands/index.js';
import { runCli } from '../src/program.js';

function bufferIO(stdin = ''): CliIO & { out: string; err: string; code: number } {
  const io = {
    out: '',
    err: '',
    code: 0,
    stdout: (s: string) => {
      io.out += s;
    },
    stderr: (s: string) => {
      io.err += s;
    },
    readStdin: async () => stdin,
    setExitCode: (c: number) => {
      io.code = Math.max(io.code, c);
    },
  };
  return io;
}

describe('the skein program', () => {
  it('registers every command of the registry', async () => {
    const io = bufferIO();
    await runCli(['--help'], io, '1.2.3');
    expect(io.code).toBe(0);
    for (const c of COMMANDS) expect(io.out).toContain(`${c.name} [options]`);
  });

  it('prints its version', async () => {
    const io = bufferIO();
    await runCli(['--version'], io, '1.2.3');
    expect(io.out).toBe('1.2.3\n');
  });

  it('lists the Linkerd proxy flags in inject --help', async () => {
    const io = bufferIO();
    await runCli(['inject', '--help'], io, '1.2.3');
    for (const flag of [
      '--proxy-image',
      '--proxy-version',
      '--admin-port',
      '--skip-inbound-ports',
      '--skip-outbound-ports',
      '--opaque-ports',
      '--proxy-cpu-request',
      '--proxy-cpu-limit',
      '--proxy-memory-request',
      '--proxy-memory-limit',
      '--proxy-log-level',
      '--enable-debug-sidecar',
      '--native-sidecar',
      '--ingress',
      '--default-inbound-policy',
      '--values',
      '--set',
      '--manual',
    ]) {
      expect(io.out).toContain(flag);
    }
  });

  it('runs inject in process', async () => {
    const io = bufferIO('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: emojivoto\n');
    await runCli(['inject', '-'], io, '1.2.3');
    expect(io.code).toBe(0);
    expect(io.out).toBe(
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  annotations:\n    linkerd.io/inject: enabled\n  name: emojivoto\n---\n',
    );
  });
});

describe('normalizeBooleanFlags', () => {
  it('turns --flag=true|false into --flag / --no-flag for boolean flags only', () => {
    const booleans = new Set(['ingress', 'manual']);
    expect(
      normalizeBooleanFlags(['--ingress=true', '--manual=false', '--admin-port=1', 'x=true'], booleans),
    ).toEqual(['--ingress', '--no-manual', '--admin-port=1', 'x=true']);
  });
});
