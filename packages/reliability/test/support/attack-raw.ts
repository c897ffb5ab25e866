import net from 'node:net';

/** What came back on a raw connection. */
export interface RawReply {
  /** Everything the proxy wrote, as latin1. */
  text: string;
  /** The status codes of every response in `text`, in order. */
  statuses: number[];
  /** Whether the proxy closed the connection (FIN or reset) before we gave up waiting. */
  closed: boolean;
  /** From the first byte written to the close (or to giving up). */
  elapsedMs: number;
}

/** Options of {@link rawExchange}. */
export interface RawExchangeOptions {
  host?: string;
  /** Give up this long after the last byte received (or written) when the proxy neither answers nor closes. */
  idleMs?: number;
  /** Write the payload in pieces of this many bytes, `delayMs` apart (slow clients). */
  pieceBytes?: number;
  delayMs?: number;
  /** Bind the client to this local address. */
  localAddress?: string;
}

/**
 * Sends raw bytes to `port` and collects the reply until the proxy closes the connection or
 * stays silent for `idleMs`. Writing stops quietly once the proxy has closed.
 */
export function rawExchange(
  port: number,
  payload: string | Buffer,
  options: RawExchangeOptions = {},
): Promise<RawReply> {
  const idleMs = options.idleMs ?? 1000;
  const data = typeof payload === 'string' ? Buffer.from(payload, 'latin1') : payload;
  return new Promise((resolve, reject) => {
    const socket = net.connect({
      port,
      host: options.host ?? '127.0.0.1',
      ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
    });
    const chunks: Buffer[] = [];
    let started = 0;
    let closed = false;
    let done = false;
    let idle: NodeJS.Timeout | undefined;
    let writer: NodeJS.Timeout | undefined;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(idle);
      clearTimeout(writer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      resolve({ text, statuses: statusesIn(text), closed, elapsedMs: performance.now() - started });
    };
    const arm = () => {
      clearTimeout(idle);
      idle = setTimeout(finish, idleMs);
    };
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      arm();
    });
    socket.on('end', () => {
      closed = true;
      finish();
    });
    socket.on('close', () => {
      closed = true;
      finish();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (started === 0) reject(err);
      else {
        closed = true;
        finish();
      }
    });
    socket.on('connect', () => {
      started = performance.now();
      const piece = options.pieceBytes ?? data.length;
      let offset = 0;
      const writeNext = () => {
        if (done || socket.destroyed) return;
        const slice = data.subarray(offset, offset + piece);
        offset += slice.length;
        socket.write(slice);
        arm();
        if (offset < data.length) writer = setTimeout(writeNext, options.delayMs ?? 0);
      };
      writeNext();
    });
  });
}

/** Status codes of the HTTP/1 responses in a reply. */
export function statusesIn(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(/(?:^|\r\n)HTTP\/1\.[01] (\d{3})/g)) out.push(Number(m[1]));
  return out;
}

/**
 * Opens a connection, writes `prefix`, then keeps it open writing `dribble` every `everyMs`
 * (a slowloris client). Resolves when the proxy closes it, with what it answered.
 */
export function slowClient(
  port: number,
  prefix: string,
  dribble: string,
  everyMs: number,
  giveUpMs: number,
): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let started = 0;
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearInterval(timer);
      clearTimeout(giveUp);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      resolve({ text, statuses: statusesIn(text), closed, elapsedMs: performance.now() - started });
    };
    const giveUp = setTimeout(() => finish(false), giveUpMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', (err) => (started === 0 ? reject(err) : finish(true)));
    socket.on('connect', () => {
      started = performance.now();
      socket.write(prefix, 'latin1');
      timer = setInterval(() => {
        if (!socket.destroyed) socket.write(dribble, 'latin1');
      }, everyMs);
    });
  });
}

/**
 * Writes `head`, then body bytes as fast as the proxy takes them, until `totalBytes` are written
 * or the proxy stops reading (no `drain` for `stallMs`). Resolves how much was written.
 */
export function floodBody(
  port: number,
  head: string,
  totalBytes: number,
  stallMs: number,
): Promise<{ written: number; stalled: boolean; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunk = Buffer.alloc(256 * 1024, 0x61);
    let written = 0;
    let done = false;
    let closed = false;
    let stall: NodeJS.Timeout | undefined;
    const finish = (stalled: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(stall);
      socket.destroy();
      resolve({ written, stalled, closed });
    };
    const pump = () => {
      clearTimeout(stall);
      while (!done && written < totalBytes) {
        const ok = socket.write(chunk);
        written += chunk.length;
        if (!ok) {
          stall = setTimeout(() => finish(true), stallMs);
          return;
        }
      }
      if (written >= totalBytes) finish(false);
    };
    socket.on('drain', pump);
    socket.on('error', (err) => (written === 0 ? reject(err) : finish(false)));
    socket.on('close', () => {
      closed = true;
      finish(false);
    });
    socket.on('connect', () => {
      socket.write(head, 'latin1');
      pump();
    });
  });
}
