import { EventEmitter, once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** An HTTP server that counts the requests it gets and answers with its name. */
export interface CountingBackend {
  readonly name: string;
  readonly port: number;
  /** Requests received so far. */
  readonly hits: number;
  /** While true, requests are held unanswered (a stuck or very slow instance). */
  holding: boolean;
  /** Emits `request` (with the backend's name) when a request arrives. */
  readonly events: EventEmitter;
  /** Answers every held request. */
  release(): void;
  close(): Promise<void>;
}

/** Starts a counting backend on an ephemeral loopback port. */
export async function startCountingBackend(name: string): Promise<CountingBackend> {
  const events = new EventEmitter();
  const held: http.ServerResponse[] = [];
  let hits = 0;
  const server = http.createServer((req, res) => {
    hits++;
    events.emit('request', name);
    req.resume();
    if (backend.holding) held.push(res);
    else res.end(name);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const backend: CountingBackend = {
    name,
    port: (server.address() as AddressInfo).port,
    get hits() {
      return hits;
    },
    holding: false,
    events,
    release() {
      for (const res of held.splice(0)) res.end(name);
    },
    async close() {
      backend.release();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
  return backend;
}
