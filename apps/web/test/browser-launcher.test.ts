import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@skein/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { browserCommand, onPath, openBrowser } from '../src/server/browser-launcher.js';

const dir = mkdtempSync(join(tmpdir(), 'skein-web-browser-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const URL_ = 'http://127.0.0.1:50750/';
const none = () => false;
const all = () => true;

describe('choosing how to open a browser', () => {
  it('uses $BROWSER first, with %s for the URL', () => {
    expect(browserCommand(URL_, { BROWSER: 'firefox' }, 'linux', none)).toEqual({
      command: 'firefox',
      args: [URL_],
    });
    expect(browserCommand(URL_, { BROWSER: 'w3m -o x=1 %s:lynx' }, 'linux', none)).toEqual({
      command: 'w3m',
      args: ['-o', 'x=1', URL_],
    });
  });

  it("uses the platform's opener, and xdg-open only with a display", () => {
    expect(browserCommand(URL_, {}, 'darwin', none)).toEqual({ command: 'open', args: [URL_] });
    expect(browserCommand(URL_, {}, 'win32', none)?.command).toBe('cmd');
    expect(browserCommand(URL_, { DISPLAY: ':0' }, 'linux', all)).toEqual({
      command: 'xdg-open',
      args: [URL_],
    });
    expect(browserCommand(URL_, { WAYLAND_DISPLAY: 'wayland-0' }, 'linux', all)?.command).toBe('xdg-open');
    // A server over SSH: no display, so no browser even though xdg-open is installed.
    expect(browserCommand(URL_, {}, 'linux', all)).toBeUndefined();
    expect(browserCommand(URL_, { DISPLAY: ':0' }, 'linux', none)).toBeUndefined();
  });

  it('looks executables up on PATH', () => {
    const exe = join(dir, 'my-browser');
    writeFileSync(exe, '#!/bin/sh\n');
    chmodSync(exe, 0o755);
    writeFileSync(join(dir, 'not-executable'), '');
    expect(onPath('my-browser', `/nonexistent:${dir}`)).toBe(true);
    expect(onPath('not-executable', dir)).toBe(false);
    expect(onPath('my-browser', undefined)).toBe(false);
  });

  it('starts the browser command with the URL, and reports one that cannot start', async () => {
    const out = join(dir, 'opened.txt');
    const exe = join(dir, 'record-url');
    writeFileSync(exe, `#!/bin/sh\necho "$1" > ${out}\n`);
    chmodSync(exe, 0o755);
    await openBrowser(browserCommand(URL_, { BROWSER: exe }, 'linux')!);
    await waitFor(() => existsSync(out) && readFileSync(out, 'utf8') === `${URL_}\n`, {
      what: 'the browser to get the URL',
    });
    await expect(openBrowser({ command: join(dir, 'missing'), args: [] })).rejects.toThrow(
      /^cannot start .*missing: spawn/,
    );
  });
});
