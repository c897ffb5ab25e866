import net, { type Server, type Socket } from 'node:net';

/** A connected client socket and the server side, accepted paused as the proxy accepts them. */
export interface AcceptedPair {
  client: Socket;
  accepted: Socket;
  server: Server;
  close(): Promise<void>;
}

/** Listens on an ephemeral port of `host`, connects once, and returns both ends. */
export async function acceptedPair(
  host = '127.0.0.1',
  serverOptions: net.ServerOpts = {},
): Promise<AcceptedPair> {
  const server = net.createServer({ pauseOnConnect: true, ...serverOptions });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  const acceptedP = new Promise<Socket>((resolve) => server.once('connection', resolve));
  const client = net.connect({ host, port });
  client.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    client.once('connect', resolve);
    client.once('error', reject);
  });
  const accepted = await acceptedP;
  accepted.on('error', () => {});
  return {
    client,
    accepted,
    server,
    close: async () => {
      client.destroy();
      accepted.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Collects everything `socket` delivers until it ends. */
export function readAll(socket: Socket): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.once('end', () => resolve(Buffer.concat(chunks)));
    socket.once('error', reject);
  });
}
