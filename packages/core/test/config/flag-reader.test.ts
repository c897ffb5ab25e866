import { describe, expect, it } from 'vitest';
import { AggregateConfigError, ConfigError, parseBool, readFlags } from '../../src/index.js';

const FLAGS = {
  addr: ['APP_ADDR', 'listen address', '127.0.0.1:8080'],
  verbose: ['APP_VERBOSE', 'more logs', undefined],
  users: ['APP_USERS', 'users', undefined],
} as const;

describe('readFlags', () => {
  it('takes a flag over its variable over the default, and says where each came from', () => {
    const r = readFlags(FLAGS, ['--addr', ':9000'], { APP_ADDR: ':7000', APP_VERBOSE: 'true' });
    expect(r.raw('addr')).toEqual([':9000', '--addr']);
    expect(r.raw('verbose')).toEqual(['true', 'APP_VERBOSE']);
    expect(r.raw('users')).toEqual([undefined, '--users']);
    expect(readFlags(FLAGS, [], {}).raw('addr')).toEqual(['127.0.0.1:8080', '--addr']);
    // An empty variable counts as unset.
    expect(readFlags(FLAGS, [], { APP_ADDR: '' }).raw('addr')[0]).toBe('127.0.0.1:8080');
  });

  it('reads aliases after the variable, and Go-style single-dash flags', () => {
    const aliases = { envAliases: { addr: ['OLD_ADDR'] } };
    expect(readFlags(FLAGS, [], { OLD_ADDR: ':1' }, aliases).raw('addr')).toEqual([':1', 'OLD_ADDR']);
    expect(readFlags(FLAGS, [], { OLD_ADDR: ':1', APP_ADDR: ':2' }, aliases).raw('addr')[0]).toBe(':2');
    const go = readFlags(FLAGS, ['-addr', ':3', '-users', 'a'], {}, { prefix: '-' });
    expect(go.raw('addr')).toEqual([':3', '-addr']);
    expect(go.list('users')).toEqual(['a']);
  });

  it('refuses an unknown flag, listing the known ones', () => {
    expect(() => readFlags(FLAGS, ['--adress', 'x'], {})).toThrow(ConfigError);
    expect(() => readFlags(FLAGS, ['--adress', 'x'], {})).toThrow(/--addr, --verbose, --users/);
  });

  it('collects every bad value and throws them together at the end', () => {
    const r = readFlags(FLAGS, ['--verbose', 'maybe', '--users', ' a, ,b '], {});
    expect(r.read('verbose', parseBool, false)).toBe(false);
    expect(r.list('users')).toEqual(['a', 'b']);
    r.report(new ConfigError('--users', 'a,b', 'one user'));
    let thrown: unknown;
    try {
      r.finish();
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(AggregateConfigError);
    expect(String((thrown as Error).message)).toMatch(/--verbose="maybe"[\s\S]*--users="a,b"/);
    const one = readFlags(FLAGS, ['--verbose', 'maybe'], {});
    one.read('verbose', parseBool, false);
    expect(() => one.finish()).toThrow(ConfigError);
    const none = readFlags(FLAGS, [], {});
    expect(() => none.finish()).not.toThrow();
  });
});
