// The destination server under benchmark, in its own process and in plain JavaScript, as the app
// runs in production: a KubeCluster over the kubeconfig in argv[2], served on 127.0.0.1:0. With
// argv[3] === 'list-only' it only lists the pods once (as the informer does) and keeps nothing:
// the memory a client-node list pass leaves behind. It answers the parent over IPC and exits when
// the parent goes away.
import { setFlagsFromString } from 'node:v8';
import { KubeConfig } from '@kubernetes/client-node';
import {
  KubeCluster,
  KubeDestinationBackend,
  kinds,
  pagedList,
  serveDestination,
} from '@skein/discovery/server';

// As apps/destination does at start: V8 flags set at run time (SKEIN_BENCH_RUNTIME_FLAGS,
// space-separated), to measure them as the app applies them rather than as Node options.
for (const flag of process.env.SKEIN_BENCH_RUNTIME_FLAGS?.split(' ').filter(Boolean) ?? []) {
  setFlagsFromString(flag);
}

const kubeConfig = new KubeConfig();
kubeConfig.loadFromFile(process.argv[2]);
let cluster;
let server;
if (process.argv[3] === 'list-only') {
  await pagedList(kinds.pods, kubeConfig)();
} else {
  cluster = new KubeCluster({ kubeConfig });
  await cluster.ready();
  server = await serveDestination({
    backend: new KubeDestinationBackend({ cluster }),
    address: '127.0.0.1:0',
  });
}

process.on('disconnect', () => process.exit(0));
process.on('message', async (msg) => {
  if (msg.type === 'memory') {
    // Collect a few times with idle gaps, letting V8's memory reducer return what the initial
    // lists used, as in a long-running server.
    for (let i = 0; i < 3; i++) {
      globalThis.gc?.();
      await new Promise((r) => setTimeout(r, 1000));
    }
    globalThis.gc?.();
    const m = process.memoryUsage();
    process.send({
      type: 'memory',
      rss: m.rss,
      heapUsed: m.heapUsed,
      heapTotal: m.heapTotal,
      external: m.external,
    });
  } else if (msg.type === 'stop') {
    await server?.close(100);
    cluster?.stop();
    process.exit(0);
  }
});
process.send({ type: 'ready', port: server?.port ?? 0 });
