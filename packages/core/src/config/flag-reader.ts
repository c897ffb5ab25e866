import { parseArgs } from 'node:util';
import { ConfigError } from '../errors/index.js';
import { AggregateConfigError } from './config-errors.js';

/** One flag of an app: its environment variable, its help text and its default value. */
export type FlagSpec = readonly [envName: string, help: string, defaultValue: string | undefined];

/** Options of {@link readFlags}. */
export interface ReadFlagsOptions<F extends string> {
  /** How flags are written: `--flag` (default) or `-flag` (Go-style, as Linkerd's controllers). */
  prefix?: '--' | '-';
  /** Further environment variables read for a flag, after its own. */
  envAliases?: Partial<Record<F, readonly string[]>>;
}

/** Reads an app's flags, each overriding its environment variable, which overrides the default. */
export interface FlagReader<F extends string> {
  /** The flag's text and where it came from (`--flag`, or the variable's name), undefined when unset. */
  raw(flag: F): [value: string | undefined, source: string];
  /** The flag parsed by `parse`; a `ConfigError` it throws is kept for {@link FlagReader.finish} and `fallback` returned. */
  read<T>(flag: F, parse: (text: string, source: string) => T, fallback: T): T;
  /** The flag as a comma-separated list (empty entries dropped). */
  list(flag: F): string[];
  /** Keeps an error found by the app's own checks for {@link FlagReader.finish}. */
  report(error: ConfigError): void;
  /** Throws what was found: the single `ConfigError`, or an `AggregateConfigError` naming each. */
  finish(): void;
}

/**
 * Parses `argv` against `flags` (every flag takes a value) and returns a reader over them and
 * `env`. Apps pass their own `process.argv` and `process.env`; this reads neither.
 * @throws {ConfigError} for an unknown flag or a flag without its value, listing the known ones.
 */
export function readFlags<F extends string>(
  flags: Readonly<Record<F, FlagSpec>>,
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  options: ReadFlagsOptions<F> = {},
): FlagReader<F> {
  const prefix = options.prefix ?? '--';
  const names = Object.keys(flags) as F[];
  // parseArgs takes `--name` only: a Go-style `-name` is rewritten for it.
  const args = prefix === '-' ? argv.map((a) => (/^-[a-z]/.test(a) ? `-${a}` : a)) : [...argv];
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args,
      options: Object.fromEntries(names.map((f) => [f, { type: 'string' as const }])),
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    throw new ConfigError(
      'arguments',
      argv.join(' '),
      `flags among ${prefix}${names.join(`, ${prefix}`)} (${(err as Error).message})`,
    );
  }
  const errors: ConfigError[] = [];
  const raw = (flag: F): [string | undefined, string] => {
    const [envName, , def] = flags[flag];
    const v = values[flag];
    if (typeof v === 'string') return [v, `${prefix}${flag}`];
    for (const name of [envName, ...(options.envAliases?.[flag] ?? [])]) {
      const e = env[name];
      if (e !== undefined && e !== '') return [e, name];
    }
    return [def, `${prefix}${flag}`];
  };
  return {
    raw,
    read(flag, parse, fallback) {
      const [text, source] = raw(flag);
      if (text === undefined) return fallback;
      try {
        return parse(text, source);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        errors.push(err);
        return fallback;
      }
    },
    list(flag) {
      return (raw(flag)[0] ?? '')
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '');
    },
    report(error) {
      errors.push(error);
    },
    finish() {
      if (errors.length === 1) throw errors[0];
      if (errors.length > 1) throw new AggregateConfigError(errors);
    },
  };
}
