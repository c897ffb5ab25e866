// `node src/main.ts`: skein-proxy with the request-layers plugin in front of an echo backend.
// Prints what the backend saw and what came back, for an allowed and a refused host.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { discoveryFile, startEchoBackend } from './echo-backend.ts';
import { startSkeinProxy } from './skein-proxy-process.ts';
import { closeProxyConnections, getViaProxy } from './via-proxy.ts';

const backend = await startEchoBackend();
const dir = await mkdtemp(join(tmpdir(), 'skein-proxy-layer-plugin-'));
const file = join(dir, 'discovery.yaml');
await writeFile(file, discoveryFile(['api.example:80', 'tracker.example:80'], backend));
const proxy = await startSkeinProxy({
  SKEIN_PROXY_DISCOVERY_FILE: file,
  SKEIN_PROXY_PLUGINS: fileURLToPath(new URL('./plugin.ts', import.meta.url)),
  EGRESS_ALLOW_HOSTS: 'api.example',
});
try {
  const allowed = await getViaProxy(proxy.outboundPort, 'http://api.example/');
  const seen = JSON.parse(allowed.body) as Record<string, string>;
  console.log(`api.example      -> ${allowed.status}, backend saw x-request-id: ${seen['x-request-id']}`);
  console.log(`                    server-timing: ${allowed.headers['server-timing']}`);
  const refused = await getViaProxy(proxy.outboundPort, 'http://tracker.example/');
  console.log(
    `tracker.example  -> ${refused.status}, l5d-proxy-error: ${refused.headers['l5d-proxy-error']}`,
  );
} finally {
  closeProxyConnections();
  await proxy.stop();
  await backend.close();
  await rm(dir, { recursive: true, force: true });
}
