// The destination server under benchmark, in its own process and in plain JavaScript, as the app
// runs in production: a KubeCluster over the kubeconfig in argv[2], served on 127.0.0.1:0. With
// argv[3] === 'list-only' it only lists the pods once (as the informer does) and keeps nothing:
// the memory a client-node list pass leaves behind. It answers the parent over IPC and exits when
// the parent goes away.
import { KubeConfig } from '@kubernetes/client-node';
import {
  KubeCluster,
  KubeDestinationBackend,
  kinds,
  pagedList,
  serveDestination,
} from '@skein/discovery/server';

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
