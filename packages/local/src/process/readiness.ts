import http from 'node:http';
import net from 'node:net';
import type { ManagedProcess } from './managed-process.js';

/** True when `GET url` answers 2xx within a second. */
export function httpOk(url: string): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const req = http.get(url, { timeout: 1000, agent: false }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/** True when a TCP connection to `host:port` opens within a second. */
export function tcpOpen(host: string, port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = net.connect({ host, port, timeout: 1000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

/**
 * Polls `check` until it is true. Fails at once when `process` exits, and after `timeoutMs`
 * with `what` in the message.
 * @throws {ComponentFailedError} naming the process, with its output.
 */
export async function waitUntilReady(
  process: ManagedProcess,
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let delay = 25;
  for (;;) {
    if (!process.running) throw process.failure(`${process.describeExit()} before ${what}`);
    if (await check()) return;
    if (Date.now() > deadline) throw process.failure(`was not ready within ${timeoutMs} ms (${what})`);
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 250);
  }
}
