// Micro-benchmark: balancer pick cost and stack overhead per request.
// Runs against the built package (`npm run build` first): `npm run bench -w @skein/core`.

import {
  Balancer,
  classify,
  concurrencyLimit,
  type EndpointUpdate,
  RetryBudget,
  retry,
  type Service,
  stack,
  timeout,
} from '@skein/core';
import { Subject } from 'rxjs';

interface Result {
  name: string;
  nsPerOp: number;
}

function measureSync(name: string, iterations: number, fn: () => void): Result {
  for (let i = 0; i < iterations / 10; i++) fn();
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) fn();
    runs.push(Number(process.hrtime.bigint() - t0) / iterations);
  }
  runs.sort((a, b) => a - b);
  return { name, nsPerOp: runs[2]! };
}

async function measureAsync(name: string, iterations: number, fn: () => Promise<unknown>): Promise<Result> {
  for (let i = 0; i < iterations / 10; i++) await fn();
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) await fn();
    runs.push(Number(process.hrtime.bigint() - t0) / iterations);
  }
  runs.sort((a, b) => a - b);
  return { name, nsPerOp: runs[2]! };
}

function balancerWith(size: number, strategy: string) {
  const updates = new Subject<EndpointUpdate<string>>();
  const lb = new Balancer<string, { addr: string }>({
    updates,
    key: (a) => a,
    connect: (addr) => ({ addr }),
    strategy,
  });
  updates.next({
    type: 'reset',
    endpoints: Array.from({ length: size }, (_, i) => `10.0.${i >> 8}.${i & 255}:80`),
  });
  return lb;
}

const results: Result[] = [];
for (const strategy of ['p2c-peak-ewma', 'round-robin']) {
  for (const size of [1, 10, 100, 1000]) {
    const lb = balancerWith(size, strategy);
    results.push(
      measureSync(`pick+done ${strategy} ${size} endpoints`, 1_000_000, () => {
        lb.pick()!.done(true);
      }),
    );
    lb.close();
  }
}

const lb = balancerWith(10, 'p2c-peak-ewma');
const send = (e: { addr: string }) => Promise.resolve(e.addr);
results.push(await measureAsync('Balancer.call p2c-peak-ewma 10 endpoints', 200_000, () => lb.call(0, send)));
lb.close();

const base: Service<number, { status: number }> = () => Promise.resolve({ status: 200 });
results.push(await measureAsync('service: bare async call', 500_000, () => base(1)));
const layered = stack(base)
  .push(classify({ outcome: (r) => r, record: () => {} }))
  .push(concurrencyLimit(100_000))
  .push(timeout(10_000))
  .service();
results.push(await measureAsync('service: + classify, concurrencyLimit, timeout', 500_000, () => layered(1)));
const withRetry = stack(layered)
  .push(retry({ budget: new RetryBudget(), shouldRetry: (_r, o) => !o.ok }))
  .service();
results.push(await measureAsync('service: + retry (budget deposit)', 500_000, () => withRetry(1)));

const width = Math.max(...results.map((r) => r.name.length));
console.log(`node ${process.version}`);
for (const r of results) console.log(`${r.name.padEnd(width)}  ${r.nsPerOp.toFixed(0).padStart(7)} ns/op`);
const bare = results.find((r) => r.name === 'service: bare async call')!.nsPerOp;
const three = results.find((r) => r.name.startsWith('service: + classify'))!.nsPerOp;
console.log(`stack overhead of three layers: ${(three - bare).toFixed(0)} ns/request`);
