// The soak's backend, run as its own process (`node backend-server.ts <ip> <bodyBytes>`): a
// plain node:http server answering every request with the same body, so that what the soak
// measures is the mesh between the client and this server, not the server's work.
import http from 'node:http';

const ip = process.argv[2] ?? '127.0.0.1';
const bodyBytes = Number(process.argv[3] ?? 1024);
const body = Buffer.alloc(bodyBytes, 'x');
const headers = { 'content-type': 'text/plain', 'content-length': String(bodyBytes) };

const server = http.createServer((req, res) => {
  // Drain any request body before answering, as a real service would.
  req.resume();
  res.writeHead(200, headers);
  res.end(body);
});
// Connections stay open longer than the proxy's and the generator's pools keep them idle, so
// neither side ever sends on a connection the server is closing.
server.keepAliveTimeout = 120_000;
server.headersTimeout = 125_000;
server.listen(0, ip, () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  process.stdout.write(`soak-backend listening ${ip}:${port}\n`);
});
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
