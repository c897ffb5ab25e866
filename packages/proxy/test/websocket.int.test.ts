import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { readProxyConfig } from '../src/config/proxy-config.js';
import { SkeinProxy } from '../src/proxy.js';

describe('WebSocket through the proxy (real ws client and server)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skein-ws-'));
  let server: http.Server;
  let wss: WebSocketServer;
  let proxy: SkeinProxy;

  beforeAll(async () => {
    server = http.createServer();
    wss = new WebSocketServer({ server });
    wss.on('connection', (ws, req) => {
      ws.send(`hello ${req.url}`);
      ws.on('message', (data, binary) => ws.send(data, { binary }));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const file = join(dir, 'd.yaml');
    writeFileSync(
      file,
      `authorities:\n  chat.internal:80: { endpoints: [ { address: "127.0.0.1:${(server.address() as AddressInfo).port}" } ] }\n`,
    );
    proxy = await SkeinProxy.start({
      config: readProxyConfig({
        LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR: '127.0.0.1:0',
        LINKERD2_PROXY_INBOUND_LISTEN_ADDR: '127.0.0.1:0',
        LINKERD2_PROXY_ADMIN_LISTEN_ADDR: '127.0.0.1:0',
        SKEIN_PROXY_DISCOVERY_FILE: file,
      }),
    });
  });

  afterAll(async () => {
    await proxy.shutdown(500);
    wss.close();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('upgrades and carries text and binary frames both ways', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${proxy.addresses.outbound[0]!.port}/room/1`, {
      headers: { host: 'chat.internal' },
    });
    const messages: Array<string | Buffer> = [];
    ws.on('message', (data, binary) => messages.push(binary ? (data as Buffer) : data.toString()));
    await once(ws, 'open');
    ws.send('ping');
    const blob = Buffer.alloc(200_000, 7);
    ws.send(blob);
    while (messages.length < 3) await new Promise((r) => setTimeout(r, 10));
    ws.close();
    await once(ws, 'close');
    expect(messages[0]).toBe('hello /room/1');
    expect(messages[1]).toBe('ping');
    expect(Buffer.isBuffer(messages[2]) && (messages[2] as Buffer).equals(blob)).toBe(true);
  });
});
