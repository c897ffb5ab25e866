// The webhook under test, in its own thread so the load generator does not share its event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { createInjectorAdmissionHandler, Injector, resolveValues, startAdmissionServer } from '@skein/inject';

const { cert, key, anchors } = workerData as { cert: string; key: string; anchors: string };
const values = resolveValues([{ identityTrustAnchorsPEM: anchors, linkerdVersion: 'stable' }]).values;
const handler = createInjectorAdmissionHandler({
  injector: new Injector({ values, origin: 'webhook' }),
  getNamespace: async () => ({ metadata: { annotations: { 'linkerd.io/inject': 'enabled' } } }),
});
const server = await startAdmissionServer({ handler, certificate: { cert, key }, host: '127.0.0.1' });
parentPort!.postMessage(server.port);
parentPort!.once('message', () => {
  server.close().then(() => process.exit(0));
});
