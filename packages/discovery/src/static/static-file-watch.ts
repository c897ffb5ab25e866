import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { type Logger, nullLogger } from '@skein/core';
import { Observable } from 'rxjs';
import { parseStaticDiscovery, type StaticDiscovery } from './static-file.js';

/** Options of {@link watchStaticDiscoveryFile}. */
export interface StaticFileWatchOptions {
  /** How often the file's modification time is checked, in ms (default 1000). */
  readonly intervalMs?: number;
  /** Logs reloads and files that no longer parse. */
  readonly logger?: Logger;
}

/**
 * A discovery file as an Observable: the parsed file on subscribe, then again whenever it
 * changes. A change that does not parse is logged and skipped (the last good content stays in
 * force); a file that cannot be read or parsed at subscription is an error. Polling (`fs.watchFile`)
 * follows editors and tools that replace the file rather than write it in place.
 */
export function watchStaticDiscoveryFile(
  path: string,
  options: StaticFileWatchOptions = {},
): Observable<StaticDiscovery> {
  const logger = options.logger ?? nullLogger;
  return new Observable<StaticDiscovery>((subscriber) => {
    const load = () => parseStaticDiscovery(readFileSync(path, 'utf8'), path);
    try {
      subscriber.next(load());
    } catch (err) {
      subscriber.error(err);
      return undefined;
    }
    const onChange = (curr: { mtimeMs: number }, prev: { mtimeMs: number }) => {
      if (curr.mtimeMs === prev.mtimeMs) return;
      try {
        subscriber.next(load());
        logger.info({ path }, 'discovery file reloaded');
      } catch (err) {
        logger.warn(
          { path, err: (err as Error).message },
          'discovery file changed but cannot be used; keeping the previous content',
        );
      }
    };
    watchFile(path, { interval: options.intervalMs ?? 1000, persistent: false }, onChange);
    return () => unwatchFile(path, onChange);
  });
}
