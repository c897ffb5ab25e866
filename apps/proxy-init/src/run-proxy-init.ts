import { AggregateConfigError, ConfigError, createLogger, SkeinError } from '@skein/core';
import {
  cleanupIptables,
  formatCommandLine,
  installIptables,
  type ProxyInitConfig,
  planCleanup,
  planIptables,
  resolveProxyInitConfig,
  withAvailableBinaries,
} from '@skein/proxy-init';
import { type CliOutput, parseCli } from './cli-flags.js';
import { parseLogSettings } from './log-settings.js';
import { isOnPath } from './program-on-path.js';

/** What the process gives the command: its output streams and PATH. */
export interface ProcessIo extends CliOutput {
  readonly path: string;
}

/**
 * Runs `skein-proxy-init` and returns the exit code: 0 on success (and for `--help`), 1 for
 * invalid flags (nothing is run) or a failed run (everything applied was rolled back).
 * `--simulate` prints the commands, one shell-quoted line each, on stdout; logs go to stderr.
 */
export async function runProxyInit(argv: readonly string[], io: ProcessIo): Promise<number> {
  const parsed = parseCli(argv, io);
  if (parsed.kind === 'exit') return parsed.code;
  const { request } = parsed;
  const errors: ConfigError[] = [];
  let settings: ReturnType<typeof parseLogSettings> | undefined;
  let config: ProxyInitConfig | undefined;
  try {
    settings = parseLogSettings(request.logFormat, request.logLevel);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    errors.push(err);
  }
  try {
    config = resolveProxyInitConfig(request.options);
  } catch (err) {
    if (!(err instanceof AggregateConfigError)) throw err;
    errors.push(...err.errors);
  }
  if (settings === undefined || config === undefined) {
    io.writeErr(`skein-proxy-init: ${new AggregateConfigError(errors).message}\n`);
    return 1;
  }
  const log = createLogger({
    format: settings.format,
    filter: settings.filter,
    destination: { write: (line) => io.writeErr(line) },
  });
  if (request.simulate) {
    const plan = request.cleanup ? planCleanup(config) : planIptables(config);
    io.writeOut(plan.steps.map((s) => `${formatCommandLine(s.command)}\n`).join(''));
    return 0;
  }
  try {
    const usable = withAvailableBinaries(config, (p) => isOnPath(p, io.path));
    if (usable.mode !== config.mode)
      log.warn({ requested: config.mode, using: usable.mode }, 'iptables binaries missing: falling back');
    const result = request.cleanup
      ? await cleanupIptables(usable, { logger: log })
      : await installIptables(usable, { logger: log });
    log.info(
      { mode: usable.mode, changes: result.changes.length },
      request.cleanup ? 'proxy-init rules removed' : 'proxy-init rules installed',
    );
    return 0;
  } catch (err) {
    if (err instanceof SkeinError) {
      log.error({ code: err.code }, err.message);
      return 1;
    }
    throw err;
  }
}
