import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** How to open a URL in the user's browser. */
export interface BrowserCommand {
  readonly command: string;
  readonly args: readonly string[];
}

/** Whether an executable named `command` is on `path` (a PATH value). */
export function onPath(command: string, path: string | undefined): boolean {
  for (const dir of (path ?? '').split(delimiter)) {
    if (dir === '') continue;
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      // not here
    }
  }
  return false;
}

/**
 * The command that opens `url` in a browser, or undefined when this machine has none to offer:
 * `$BROWSER` when set (`%s` stands for the URL), `open` on macOS, `start` on Windows, and
 * `xdg-open` elsewhere only with a display (`DISPLAY` or `WAYLAND_DISPLAY`) — a server over
 * SSH gets undefined, and the caller prints the URL instead.
 */
export function browserCommand(
  url: string,
  env: Readonly<Record<string, string | undefined>>,
  platform: NodeJS.Platform,
  hasCommand: (command: string) => boolean = (c) => onPath(c, env.PATH),
): BrowserCommand | undefined {
  const browser = env.BROWSER?.split(delimiter)[0]?.trim();
  if (browser !== undefined && browser !== '') {
    const [command, ...args] = browser.split(/\s+/);
    const withUrl = args.some((a) => a.includes('%s'));
    return { command: command!, args: withUrl ? args.map((a) => a.replaceAll('%s', url)) : [...args, url] };
  }
  if (platform === 'darwin') return { command: 'open', args: [url] };
  if (platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""', url] };
  const display = (env.DISPLAY ?? '') !== '' || (env.WAYLAND_DISPLAY ?? '') !== '';
  return display && hasCommand('xdg-open') ? { command: 'xdg-open', args: [url] } : undefined;
}

/** Starts the browser command detached (it outlives the caller); resolves once it started. */
export function openBrowser(cmd: BrowserCommand): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd.command, [...cmd.args], { detached: true, stdio: 'ignore' });
    child.once('error', (err) =>
      reject(new Error(`cannot start ${cmd.command}: ${err.message}`, { cause: err })),
    );
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}
