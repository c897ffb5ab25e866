import type { Http2Session } from 'node:http2';

/**
 * Sends a PING every `intervalMs` on an HTTP/2 session and destroys the session when one is not
 * acknowledged within `timeoutMs` (a dead peer or a black-holed connection). One timer per
 * session, stopped when the session closes.
 */
export function startKeepAlive(session: Http2Session, intervalMs: number, timeoutMs: number): void {
  if (intervalMs <= 0) return;
  let sentAt = -1;
  let lastAck = performance.now();
  const onAck = (err: Error | null): void => {
    if (err !== null) return;
    sentAt = -1;
    lastAck = performance.now();
  };
  const check = (): void => {
    if (session.destroyed || session.closed) {
      clearInterval(timer);
      return;
    }
    const now = performance.now();
    if (sentAt >= 0) {
      if (now - sentAt >= timeoutMs) session.destroy();
      return;
    }
    if (now - lastAck < intervalMs) return;
    sentAt = now;
    if (!session.ping(onAck)) sentAt = -1;
  };
  const timer = setInterval(check, Math.max(10, Math.min(intervalMs, timeoutMs) >>> 1));
  timer.unref();
  session.once('close', () => clearInterval(timer));
}
