import { once } from 'node:events';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { AddressUnavailableError, PortTakenError } from '../src/errors.js';
import { addressHint, checkAddressesFree } from '../src/network/port-check.js';
import { findPortHolder, listeningInodes } from '../src/network/port-holder.js';
import { randomBaseIp } from './support/base-ip.js';

async function hold(ip: string, port = 0): Promise<net.Server> {
  const server = net.createServer();
  server.listen(port, ip);
  await once(server, 'listening');
  return server;
}

describe('listeningInodes', () => {
  const tcp = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0101017F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1111 1 0 100 0 0 10 0
   1: 0101017F:1F91 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 2222 1 0 100 0 0 10 0
   2: 00000000:1F92 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3333 1 0 100 0 0 10 0
`;
  const tcp6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:1F93 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4444 1 0 100 0 0 10 0
   1: 0000000000000000FFFF00000101017F:1F94 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5555 1 0 100 0 0 10 0
`;
  it('finds listeners on the address or on the wildcard of the port, in IPv4 and IPv6 tables', () => {
    expect(listeningInodes(tcp, tcp6, '127.1.1.1', 8080)).toEqual([{ inode: '1111', everyAddress: false }]);
    expect(listeningInodes(tcp, tcp6, '127.1.1.1', 8081)).toEqual([]); // established, not listening
    expect(listeningInodes(tcp, tcp6, '127.9.9.9', 8082)).toEqual([{ inode: '3333', everyAddress: true }]); // 0.0.0.0
    expect(listeningInodes(tcp, tcp6, '127.9.9.9', 8083)).toEqual([{ inode: '4444', everyAddress: true }]); // [::]
    expect(listeningInodes(tcp, tcp6, '127.1.1.1', 8084)).toEqual([{ inode: '5555', everyAddress: false }]); // ::ffff:127.1.1.1
    expect(listeningInodes(tcp, tcp6, '127.1.1.2', 8084)).toEqual([]);
  });
});

describe.skipIf(process.platform !== 'linux')('findPortHolder', () => {
  it('names the process holding a port', async () => {
    const ip = randomBaseIp();
    const server = await hold(ip);
    try {
      const { port } = server.address() as net.AddressInfo;
      const holder = await findPortHolder(ip, port);
      expect(holder?.pid).toBe(process.pid);
      expect(holder?.command).toContain(process.execPath);
      expect(holder?.everyAddress).toBe(false);
      expect(await findPortHolder(ip, port + 1 === 65536 ? 1 : port + 1)).toBeUndefined();
    } finally {
      server.close();
    }
  });
});

describe('checkAddressesFree', () => {
  it('passes free addresses', async () => {
    const ip = randomBaseIp();
    const server = await hold(ip);
    const { port } = server.address() as net.AddressInfo;
    server.close();
    await once(server, 'close');
    await expect(checkAddressesFree([{ ip, port, purpose: 'a test' }])).resolves.toBeUndefined();
  });

  it('refuses a taken port naming the address, the purpose and the holder', async () => {
    const ip = randomBaseIp();
    const server = await hold(ip);
    const { port } = server.address() as net.AddressInfo;
    try {
      const err = await checkAddressesFree([
        { ip, port, purpose: 'the proxy inbound listener of web-0' },
      ]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PortTakenError);
      const taken = err as PortTakenError;
      expect(taken.code).toBe('ERR_SKEIN_PORT_TAKEN');
      expect(taken.address).toBe(`${ip}:${port}`);
      expect(taken.message).toMatch(
        new RegExp(
          `^${ip.replaceAll('.', '\\.')}:${port} is taken by pid ${process.pid} \\(.*\\); the local mesh needs it for the proxy inbound listener of web-0\\. Stop that process, or choose other addresses \\(--base-ip\\) or ports \\(--port-offset\\)\\.$`,
        ),
      );
    } finally {
      server.close();
    }
  });

  it('says when the holder listens on every address, where only other ports help', async () => {
    const server = await hold('0.0.0.0');
    const { port } = server.address() as net.AddressInfo;
    try {
      const err = await checkAddressesFree([
        { ip: randomBaseIp(), port, purpose: 'the controller API' },
      ]).catch((e: unknown) => e);
      expect((err as PortTakenError).holder).toMatchObject({ pid: process.pid, everyAddress: true });
      expect((err as Error).message).toMatch(
        /\), listening on every address; the local mesh needs it for the controller API\. Stop that process, or move every port of the mesh \(--port-offset\)\.$/,
      );
    } finally {
      server.close();
    }
  });

  it('refuses an address that is not this machine', async () => {
    const err = await checkAddressesFree([{ ip: '192.0.2.77', port: 4143, purpose: 'a pod' }]).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AddressUnavailableError);
    expect((err as Error).message).toMatch(
      /^192\.0\.2\.77 is not an address of this machine; the local mesh needs it for a pod/,
    );
    expect(addressHint('127.0.1.2', 'darwin')).toContain('sudo ifconfig lo0 alias 127.0.1.2 up');
  });
});
