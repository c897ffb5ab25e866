#!/usr/bin/env node
// linkerd-await for Skein images: waits until the proxy's admin server answers /ready, then
// (optionally) runs a command. Used by the injector's postStart hook when native sidecars are
// off: `linkerd-await --timeout=2m --port=4191`. Exits 0 once ready, 1 on timeout, 2 on bad flags.
import { spawn } from 'node:child_process';
import http from 'node:http';

const UNITS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function parseArgs(argv) {
  const options = { timeoutMs: 120_000, port: 4191, command: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      options.command = argv.slice(i + 1);
      break;
    }
    const [name, inline] = arg.split('=', 2);
    const value = inline ?? argv[++i];
    if (name === '--timeout') {
      const m = /^(\d+)(ms|s|m|h)$/.exec(value ?? '');
      if (m === null)
        throw new Error(`invalid --timeout ${JSON.stringify(value)}: expected a duration such as 2m or 30s`);
      options.timeoutMs = Number(m[1]) * UNITS[m[2]];
    } else if (name === '--port') {
      const port = Number(value);
      if (!Number.isInteger(port) || port < 1 || port > 65535) {
        throw new Error(`invalid --port ${JSON.stringify(value)}: expected a port number 1-65535`);
      }
      options.port = port;
    } else {
      throw new Error(`unknown flag ${JSON.stringify(arg)}: expected --timeout, --port, or -- COMMAND`);
    }
  }
  return options;
}

function ready(port) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/ready', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

let options;
try {
  options = parseArgs(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`linkerd-await: ${err.message}\n`);
  process.exit(2);
}
const deadline = Date.now() + options.timeoutMs;
while (!(await ready(options.port))) {
  if (Date.now() >= deadline) {
    process.stderr.write(
      `linkerd-await: the proxy on port ${options.port} was not ready after ${options.timeoutMs}ms\n`,
    );
    process.exit(1);
  }
  await new Promise((r) => setTimeout(r, 200));
}
if (options.command.length === 0) process.exit(0);
const child = spawn(options.command[0], options.command.slice(1), { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(signal === null ? (code ?? 1) : 1));
