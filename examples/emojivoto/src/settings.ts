import { parseArgs } from 'node:util';
import { type HostPort, parseHostPort, parseListenAddr, type Upstream, upstream } from './address.ts';
import { SettingError, SettingsError } from './setting-error.ts';

/** The four programs of the demo. */
export const SERVICES = ['web', 'emoji', 'voting', 'vote-bot'] as const;
/** One of {@link SERVICES}. */
export type ServiceName = (typeof SERVICES)[number];

/** Settings of `emoji`. */
export interface EmojiSettings {
  readonly service: 'emoji';
  readonly listen: HostPort;
}
/** Settings of `voting`. */
export interface VotingSettings {
  readonly service: 'voting';
  readonly listen: HostPort;
  readonly doughnutFailureRate: number;
}
/** Settings of `web`. */
export interface WebSettings {
  readonly service: 'web';
  readonly listen: HostPort;
  readonly emoji: Upstream;
  readonly voting: Upstream;
}
/** Settings of `vote-bot`. */
export interface VoteBotSettings {
  readonly service: 'vote-bot';
  readonly web: Upstream;
  readonly rate: number;
  readonly doughnutShare: number;
}
/** Settings of any of the programs. */
export type Settings = EmojiSettings | VotingSettings | WebSettings | VoteBotSettings;

interface FlagSpec {
  readonly env: string;
  readonly help: string;
  readonly fallback?: string;
}

const FLAGS: Record<string, FlagSpec> = {
  listen: { env: 'EMOJIVOTO_LISTEN', help: 'address to listen on', fallback: '127.0.0.1:8080' },
  'emoji-addr': { env: 'EMOJIVOTO_EMOJI_ADDR', help: 'host:port of the emoji service' },
  'voting-addr': { env: 'EMOJIVOTO_VOTING_ADDR', help: 'host:port of the voting service' },
  'web-addr': { env: 'EMOJIVOTO_WEB_ADDR', help: 'host:port of the web service' },
  proxy: {
    env: 'EMOJIVOTO_PROXY',
    help: 'send requests to this host:port (a sidecar outbound listener, explicit mode), naming the service in the authority',
  },
  'doughnut-failure-rate': {
    env: 'EMOJIVOTO_DOUGHNUT_FAILURE_RATE',
    help: 'share of :doughnut: votes that fail (0..1)',
    fallback: '0.5',
  },
  rate: { env: 'EMOJIVOTO_RATE', help: 'vote-bot visits per second', fallback: '5' },
  'doughnut-share': {
    env: 'EMOJIVOTO_DOUGHNUT_SHARE',
    help: 'share of vote-bot votes for :doughnut: (0..1)',
    fallback: '0.2',
  },
};

const FLAGS_OF: Record<ServiceName, readonly string[]> = {
  emoji: ['listen'],
  voting: ['listen', 'doughnut-failure-rate'],
  web: ['listen', 'emoji-addr', 'voting-addr', 'proxy'],
  'vote-bot': ['web-addr', 'proxy', 'rate', 'doughnut-share'],
};

/** The usage text. */
export function usage(): string {
  const lines = SERVICES.map((s) => {
    const flags = FLAGS_OF[s].map((f) => {
      const spec = FLAGS[f]!;
      const def = spec.fallback === undefined ? '' : ` (default ${spec.fallback})`;
      return `    --${f.padEnd(22)} ${spec.help}${def} [$${spec.env}]`;
    });
    return `  ${s}\n${flags.join('\n')}`;
  });
  return `usage: emojivoto <${SERVICES.join('|')}> [flags]\n${lines.join('\n')}\n`;
}

function fraction(text: string, setting: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1)
    throw new SettingError(setting, text, 'a number from 0 to 1');
  return n;
}

function positive(text: string, setting: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 1000)
    throw new SettingError(setting, text, 'a number of visits per second above 0 and at most 1000');
  return n;
}

/**
 * Reads the settings of `argv[0]`'s program from its flags, each of which falls back to an
 * environment variable, then to its default. Every problem is reported at once.
 * @throws {SettingError} naming each flag or variable, its value and the expected form.
 */
export function readSettings(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Settings {
  const [name, ...rest] = argv;
  if (!(SERVICES as readonly string[]).includes(name ?? ''))
    throw new SettingError('service', name ?? '', `one of ${SERVICES.join(', ')}`);
  const service = name as ServiceName;
  const allowed = FLAGS_OF[service];
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...rest],
      options: Object.fromEntries(allowed.map((f) => [f, { type: 'string' as const }])),
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    throw new SettingError(
      `${service} flags`,
      rest.join(' '),
      `flags among --${allowed.join(', --')} (${(err as Error).message})`,
    );
  }
  const problems: string[] = [];
  const read = <T>(flag: string, parse: (text: string, setting: string) => T, required: boolean): T => {
    const spec = FLAGS[flag]!;
    const fromFlag = values[flag];
    const fromEnv = env[spec.env];
    const [text, setting] =
      typeof fromFlag === 'string'
        ? [fromFlag, `--${flag}`]
        : fromEnv !== undefined && fromEnv !== ''
          ? [fromEnv, spec.env]
          : [spec.fallback, `--${flag}`];
    if (text === undefined) {
      if (required) problems.push(`--${flag} (or ${spec.env}): required: ${spec.help}`);
      return undefined as T;
    }
    try {
      return parse(text, setting);
    } catch (err) {
      problems.push((err as Error).message);
      return undefined as T;
    }
  };
  // Values stay undefined only when a problem was recorded, and then nothing is returned.
  const settings = ((): Settings => {
    switch (service) {
      case 'emoji':
        return { service, listen: read('listen', parseListenAddr, true) };
      case 'voting':
        return {
          service,
          listen: read('listen', parseListenAddr, true),
          doughnutFailureRate: read('doughnut-failure-rate', fraction, true),
        };
      case 'web': {
        const via = read<HostPort | undefined>('proxy', parseHostPort, false);
        const emoji = read('emoji-addr', parseHostPort, true);
        const voting = read('voting-addr', parseHostPort, true);
        return {
          service,
          listen: read('listen', parseListenAddr, true),
          emoji: emoji && upstream(emoji, via),
          voting: voting && upstream(voting, via),
        };
      }
      case 'vote-bot': {
        const via = read<HostPort | undefined>('proxy', parseHostPort, false);
        const web = read('web-addr', parseHostPort, true);
        return {
          service,
          web: web && upstream(web, via),
          rate: read('rate', positive, true),
          doughnutShare: read('doughnut-share', fraction, true),
        };
      }
    }
  })();
  if (problems.length > 0) throw new SettingsError(problems);
  return settings;
}
