// Webhook latency at a constant 200 requests/s over HTTPS (open loop: requests leave on
// schedule whether or not earlier ones finished), with real AdmissionReview v1 bodies for the
// emojivoto pod. The server runs in a worker thread. `npm run bench -w @skein/inject`.
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:https';
import { Worker } from 'node:worker_threads';
import { selfSignedCertificate } from '@skein/testkit';
import { ANCHORS, emojivotoDeployment } from './emojivoto.ts';

const RATE = 200;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const pair = selfSignedCertificate({ altNames: ['localhost'] });
const worker = new Worker(new URL('./webhook-server.worker.ts', import.meta.url), {
  workerData: { cert: pair.cert, key: pair.key, anchors: ANCHORS },
});
const port = await new Promise<number>((resolve) => worker.once('message', resolve));
const agent = new Agent({ keepAlive: true, maxSockets: 64, ca: pair.cert, servername: 'localhost' });
const spec = (emojivotoDeployment().spec as { template: { spec: unknown } }).template.spec;

function review(): string {
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: randomUUID(),
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      namespace: 'emojivoto',
      operation: 'CREATE',
      object: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { generateName: 'web-', namespace: 'emojivoto', labels: { app: 'web-svc' } },
        spec,
      },
    },
  });
}

function send(body: string): Promise<number> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(performance.now() - start)
            : reject(new Error(`HTTP ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

// Warm up TLS sessions and the JIT.
await Promise.all(Array.from({ length: 200 }, () => send(review())));

const latencies: number[] = [];
const pending: Promise<void>[] = [];
const total = RATE * SECONDS;
const t0 = performance.now();
for (let i = 0; i < total; i++) {
  const due = t0 + (i * 1000) / RATE;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  pending.push(send(review()).then((ms) => void latencies.push(ms)));
}
await Promise.all(pending);
const elapsed = (performance.now() - t0) / 1000;
latencies.sort((a, b) => a - b);
const q = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(2);
console.log(
  `webhook over HTTPS at ${RATE} req/s for ${SECONDS}s: ${latencies.length} requests in ${elapsed.toFixed(1)}s`,
);
console.log(`latency ms: p50 ${q(0.5)}  p90 ${q(0.9)}  p99 ${q(0.99)}  max ${latencies.at(-1)!.toFixed(2)}`);
agent.destroy();
worker.postMessage('stop');
