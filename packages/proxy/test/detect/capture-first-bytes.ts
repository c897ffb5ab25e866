import { spawn } from 'node:child_process';
import net, { type AddressInfo } from 'node:net';

/**
 * Runs a real client program against a raw TCP server and returns the first chunk it sent.
 * `args` receives the server's port. The client is killed once its bytes are captured.
 */
export async function captureFirstBytes(
  command: string,
  args: (port: number) => string[],
  options: { minBytes?: number; until?: (bytes: Buffer) => boolean; timeoutMs?: number } = {},
): Promise<Buffer> {
  const minBytes = options.minBytes ?? 1;
  const enough = options.until ?? ((bytes: Buffer) => bytes.length >= minBytes);
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const child = spawn(command, args(port), { stdio: ['pipe', 'ignore', 'ignore'] });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${command} sent nothing within the timeout`)),
        options.timeoutMs ?? 10_000,
      );
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      server.once('connection', (socket) => {
        let received = Buffer.alloc(0);
        socket.on('error', () => {});
        socket.on('data', (chunk: Buffer) => {
          received = Buffer.concat([received, chunk]);
          if (enough(received)) {
            clearTimeout(timer);
            socket.destroy();
            resolve(received);
          }
        });
      });
    });
  } finally {
    child.kill('SIGKILL');
    await exited;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
