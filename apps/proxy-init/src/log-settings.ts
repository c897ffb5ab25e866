import { ConfigError, type LogFormat } from '@skein/core';

const LEVELS: Readonly<Record<string, string>> = {
  trace: 'trace',
  debug: 'debug',
  info: 'info',
  warn: 'warn',
  warning: 'warn',
  error: 'error',
  // linkerd2-proxy-init (logrus) also knows these; they only log errors here.
  fatal: 'error',
  panic: 'error',
};

/**
 * Checks `--log-format` and `--log-level` (linkerd2-proxy-init's logrus level names, any case).
 *
 * @throws {ConfigError} naming the flag, the value and the accepted values.
 */
export function parseLogSettings(format: string, level: string): { format: LogFormat; filter: string } {
  if (format !== 'plain' && format !== 'json') throw new ConfigError('--log-format', format, 'plain or json');
  const filter = LEVELS[level.toLowerCase()];
  if (filter === undefined) {
    throw new ConfigError(
      '--log-level',
      level,
      'one of trace, debug, info, warn, error (also warning, fatal, panic)',
    );
  }
  return { format, filter };
}
