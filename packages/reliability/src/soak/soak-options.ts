import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AggregateConfigError, ConfigError, parseDuration } from '@skein/core';

/** How a soak runs and what it must meet. */
export interface SoakOptions {
  /** Length of the run, ms. */
  durationMs: number;
  /** Requests per second through the mesh (and, in the same run, directly to the backend). */
  rps: number;
  /** Fraction of the run that is warm-up: RSS growth and latency are measured after it. */
  warmupFraction: number;
  /** Most connections the generator opens per stream. */
  connections: number;
  /** Size of each response body. */
  bodyBytes: number;
  /** How often proxy memory and CPU are sampled, ms. */
  sampleIntervalMs: number;
  /** A request not answered within this long is a failure, ms. */
  timeoutMs: number;
  /** Extra `node` arguments for the two proxies (e.g. `--heapsnapshot-signal=SIGUSR2`). */
  proxyNodeArgs: string[];
  /** The `skein-proxy` entry point to soak; default: `apps/proxy/dist/main.js` of this repository. */
  proxyBin: string | undefined;
  /** Preload a reporter into the proxies that prints their V8 heap figures every sample interval. */
  heap: boolean;
  /** Most RSS growth allowed after warm-up, percent. */
  maxRssGrowthPct: number;
  /** Most the mesh may add to the direct run's maximum latency, ms. */
  maxAddedMaxLatencyMs: number;
}

/** The figures: 10 minutes at 2,000 rps, RSS growth under 5%, added max latency ≤ 50 ms. */
export const DEFAULT_SOAK_OPTIONS: SoakOptions = {
  durationMs: 600_000,
  rps: 2_000,
  warmupFraction: 0.2,
  connections: 64,
  bodyBytes: 1_024,
  sampleIntervalMs: 2_000,
  timeoutMs: 10_000,
  proxyNodeArgs: [],
  proxyBin: undefined,
  heap: false,
  maxRssGrowthPct: 5,
  maxAddedMaxLatencyMs: 50,
};

const FLAGS = {
  duration: 'SKEIN_SOAK_DURATION',
  rps: 'SKEIN_SOAK_RPS',
  warmup: 'SKEIN_SOAK_WARMUP',
  connections: 'SKEIN_SOAK_CONNECTIONS',
  'body-bytes': 'SKEIN_SOAK_BODY_BYTES',
  'sample-interval': 'SKEIN_SOAK_SAMPLE_INTERVAL',
  'proxy-node-args': 'SKEIN_SOAK_PROXY_NODE_ARGS',
  'proxy-bin': 'SKEIN_SOAK_PROXY_BIN',
  json: 'SKEIN_SOAK_JSON',
} as const;

/** Usage text of `npm run soak`. */
export function soakUsage(): string {
  return `npm run soak -- [options]   (each option also reads the environment variable shown)
  --duration <d>          ${FLAGS.duration.padEnd(28)} run length, e.g. 10m, 60s (default 10m)
  --rps <n>               ${FLAGS.rps.padEnd(28)} requests per second (default 2000)
  --warmup <f>            ${FLAGS.warmup.padEnd(28)} warm-up fraction of the run, 0–0.9 (default 0.2)
  --connections <n>       ${FLAGS.connections.padEnd(28)} generator connections per stream (default 64)
  --body-bytes <n>        ${FLAGS['body-bytes'].padEnd(28)} response body size (default 1024)
  --sample-interval <d>   ${FLAGS['sample-interval'].padEnd(28)} RSS/CPU sampling period (default 2s)
  --proxy-node-args=<s>   ${FLAGS['proxy-node-args'].padEnd(28)} extra node flags for the proxies
  --proxy-bin <file>      ${FLAGS['proxy-bin'].padEnd(28)} skein-proxy main.js to soak (default: apps/proxy/dist)
  --heap                  SKEIN_SOAK_HEAP=1            also sample the proxies' V8 heap (preloads a reporter)
  --json <file>           ${FLAGS.json.padEnd(28)} also write the full report as JSON
`;
}

/** Parsed command line of `npm run soak`: the options, and where to write the JSON report. */
export interface SoakCommand {
  options: SoakOptions;
  jsonFile: string | undefined;
  help: boolean;
}

/**
 * Reads `npm run soak`'s flags, falling back to `SKEIN_SOAK_*` variables, then the defaults.
 * @throws ConfigError / AggregateConfigError naming each bad flag or variable, its value and the expected form.
 */
export function readSoakCommand(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): SoakCommand {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        ...Object.fromEntries(Object.keys(FLAGS).map((k) => [k, { type: 'string' as const }])),
        help: { type: 'boolean' as const },
        heap: { type: 'boolean' as const },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    throw new ConfigError('arguments', argv.join(' '), `the options of --help (${(err as Error).message})`);
  }
  const errors: ConfigError[] = [];
  const raw = (flag: keyof typeof FLAGS): { text: string; source: string } | undefined => {
    const v = values[flag];
    if (typeof v === 'string') return { text: v, source: `--${flag}` };
    const e = env[FLAGS[flag]];
    return e === undefined || e === '' ? undefined : { text: e, source: FLAGS[flag] };
  };
  const read = <T>(flag: keyof typeof FLAGS, parse: (text: string, source: string) => T, fallback: T): T => {
    const r = raw(flag);
    if (r === undefined) return fallback;
    try {
      return parse(r.text, r.source);
    } catch (err) {
      errors.push(err instanceof ConfigError ? err : new ConfigError(r.source, r.text, String(err)));
      return fallback;
    }
  };
  const int = (min: number, max: number) => (text: string, source: string) => {
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < min || n > max) {
      throw new ConfigError(source, text, `an integer from ${min} to ${max}`);
    }
    return n;
  };
  const duration = (min: number) => (text: string, source: string) => {
    const ms = parseDuration(text, source);
    if (ms < min) throw new ConfigError(source, text, `a duration of at least ${min} ms`);
    return ms;
  };
  const d = DEFAULT_SOAK_OPTIONS;
  const options: SoakOptions = {
    ...d,
    durationMs: read('duration', duration(5_000), d.durationMs),
    rps: read('rps', int(1, 50_000), d.rps),
    warmupFraction: read(
      'warmup',
      (text, source) => {
        const f = Number(text);
        if (text.trim() === '' || !Number.isFinite(f) || f < 0 || f > 0.9) {
          throw new ConfigError(source, text, 'a fraction of the run from 0 to 0.9');
        }
        return f;
      },
      d.warmupFraction,
    ),
    connections: read('connections', int(1, 10_000), d.connections),
    bodyBytes: read('body-bytes', int(0, 16 * 1024 * 1024), d.bodyBytes),
    sampleIntervalMs: read('sample-interval', duration(100), d.sampleIntervalMs),
    proxyNodeArgs: read(
      'proxy-node-args',
      (text) => text.split(/\s+/).filter((a) => a !== ''),
      d.proxyNodeArgs,
    ),
    proxyBin: read(
      'proxy-bin',
      (text, source) => {
        if (!existsSync(text))
          throw new ConfigError(source, text, 'the path of an existing skein-proxy main.js');
        return resolve(text);
      },
      d.proxyBin,
    ),
    heap: values.heap === true || env.SKEIN_SOAK_HEAP === '1',
  };
  const jsonFile = raw('json')?.text;
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateConfigError(errors);
  return { options, jsonFile, help: values.help === true };
}
