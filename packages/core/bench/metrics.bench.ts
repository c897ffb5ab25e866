// Micro-benchmark: cost of recording a metric on Skein's series handles versus prom-client's
// label lookups, per operation and per scrape. Runs against the built package:
// `npx turbo run build --filter=@skein/core && npm run bench:metrics -w @skein/core`.

import {
  CounterFamily,
  HistogramFamily,
  LATENCY_MS_BUCKETS,
  LegacyMetrics,
  outboundEndpointLabels,
} from '@skein/core';
import { Counter, Histogram, Registry } from 'prom-client';

interface Result {
  name: string;
  nsPerOp: number;
}

function measure(name: string, iterations: number, fn: (i: number) => void): Result {
  for (let i = 0; i < iterations / 10; i++) fn(i);
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) fn(i);
    runs.push(Number(process.hrtime.bigint() - t0) / iterations);
  }
  runs.sort((a, b) => a - b);
  return { name, nsPerOp: runs[2]! };
}

async function measureAsync(name: string, iterations: number, fn: () => Promise<unknown>): Promise<Result> {
  await fn();
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) await fn();
    runs.push(Number(process.hrtime.bigint() - t0) / iterations);
  }
  runs.sort((a, b) => a - b);
  return { name, nsPerOp: runs[2]! };
}

// A realistic outbound endpoint label set: 13 labels, as linkerd2-proxy renders them.
const endpoint = {
  authority: 'web.default.svc.cluster.local:8080',
  target: { ip: '10.42.1.24', port: 8080 },
  tls: { tls: 'true', serverId: 'web.default.serviceaccount.identity.linkerd.cluster.local' },
  dst: {
    deployment: 'web',
    namespace: 'default',
    pod: 'web-5b97875957-xn269',
    service: 'web',
    serviceaccount: 'web',
  },
} as const;
const labelSet = outboundEndpointLabels(endpoint);
const labelObject: Record<string, string> = Object.fromEntries(labelSet.entries());
const labelNames = Object.keys(labelObject);
const labelValues = Object.values(labelObject);

const ITER = 2_000_000;
const results: Result[] = [];
const sink: number[] = [];

// Counters.
{
  const family = new CounterFamily({ name: 'request_total', help: 'Requests.' });
  const handle = family.series(labelSet);
  results.push(measure('skein counter: handle.inc()', ITER, () => handle.inc()));
  sink.push(handle.value);

  const registry = new Registry();
  const counter = new Counter({
    name: 'request_total',
    help: 'Requests.',
    labelNames,
    registers: [registry],
  });
  results.push(
    measure('prom-client counter: labels(...values).inc()', ITER / 20, () =>
      counter.labels(...labelValues).inc(),
    ),
  );
  results.push(measure('prom-client counter: inc(labelObject)', ITER / 20, () => counter.inc(labelObject)));
  const child = counter.labels(labelObject);
  results.push(measure('prom-client counter: cached child.inc()', ITER / 20, () => child.inc()));
}

// Histograms.
{
  const family = new HistogramFamily({
    name: 'response_latency_ms',
    help: 'Latency.',
    buckets: LATENCY_MS_BUCKETS,
  });
  const handle = family.series(labelSet);
  results.push(measure('skein histogram: handle.observe(v)', ITER, (i) => handle.observe(i & 1023)));
  sink.push(handle.count);

  const registry = new Registry();
  const histogram = new Histogram({
    name: 'response_latency_ms',
    help: 'Latency.',
    labelNames,
    buckets: [...LATENCY_MS_BUCKETS],
    registers: [registry],
  });
  const child = histogram.labels(labelObject);
  results.push(
    measure('prom-client histogram: labels(obj).observe(v)', ITER / 20, (i) =>
      histogram.labels(labelObject).observe(i & 1023),
    ),
  );
  results.push(
    measure('prom-client histogram: cached child.observe(v)', ITER / 20, (i) => child.observe(i & 1023)),
  );
}

// One request/response as the proxy records it: request count, response count by status and latency.
{
  const metrics = new LegacyMetrics();
  const target = metrics.httpTarget(labelSet);
  results.push(
    measure('skein per request: requests.inc() + recordResponse(200)', ITER, (i) => {
      target.requests.inc();
      target.recordResponse(200, 'success', i & 63);
    }),
  );
  sink.push(target.requests.value);

  const registry = new Registry();
  const requests = new Counter({ name: 'request_total', help: 'h', labelNames, registers: [registry] });
  const responseLabelNames = [...labelNames, 'status_code', 'classification', 'grpc_status', 'error'];
  const responses = new Counter({
    name: 'response_total',
    help: 'h',
    labelNames: responseLabelNames,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'response_latency_ms',
    help: 'h',
    labelNames: [...labelNames, 'status_code'],
    buckets: [...LATENCY_MS_BUCKETS],
    registers: [registry],
  });
  results.push(
    measure('prom-client per request: 3 label lookups', ITER / 20, (i) => {
      requests.inc(labelObject);
      responses.inc({
        ...labelObject,
        status_code: '200',
        classification: 'success',
        grpc_status: '',
        error: '',
      });
      latency.observe({ ...labelObject, status_code: '200' }, i & 63);
    }),
  );
}

// One scrape of 1,000 endpoints (request_total + response_total + response_latency_ms each).
{
  const ENDPOINTS = 1000;
  const metrics = new LegacyMetrics();
  const registry = new Registry();
  const requests = new Counter({ name: 'request_total', help: 'h', labelNames, registers: [registry] });
  const responses = new Counter({
    name: 'response_total',
    help: 'h',
    labelNames: [...labelNames, 'status_code', 'classification', 'grpc_status', 'error'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'response_latency_ms',
    help: 'h',
    labelNames: [...labelNames, 'status_code'],
    buckets: [...LATENCY_MS_BUCKETS],
    registers: [registry],
  });
  for (let e = 0; e < ENDPOINTS; e++) {
    const ip = `10.42.${e >> 8}.${e & 255}`;
    const t = metrics.httpTarget(outboundEndpointLabels({ ...endpoint, target: { ip, port: 8080 } }));
    t.requests.inc();
    t.recordResponse(200, 'success', 5);
    const obj = { ...labelObject, target_addr: `${ip}:8080`, target_ip: ip };
    requests.inc(obj);
    responses.inc({ ...obj, status_code: '200', classification: 'success', grpc_status: '', error: '' });
    latency.observe({ ...obj, status_code: '200' }, 5);
  }
  results.push(
    measure('skein scrape: LegacyMetrics.render(), 1000 endpoints', 5, () =>
      sink.push(metrics.render().length),
    ),
  );
  results.push(
    await measureAsync('prom-client scrape: registry.metrics(), 1000 endpoints', 5, () => registry.metrics()),
  );
}

const byName = new Map(results.map((r) => [r.name, r.nsPerOp]));
const ratio = (ours: string, theirs: string) => (byName.get(theirs)! / byName.get(ours)!).toFixed(1);

console.log(
  `node ${process.version}, ${ITER.toLocaleString()} iterations per handle measurement (median of 5)\n`,
);
for (const r of results) {
  const value = r.nsPerOp >= 1e6 ? `${(r.nsPerOp / 1e6).toFixed(2)} ms/op` : `${r.nsPerOp.toFixed(1)} ns/op`;
  console.log(`${r.name.padEnd(62)} ${value.padStart(14)}`);
}
console.log('\nspeed-up of skein handles over prom-client:');
console.log(
  `  counter   vs labels(...).inc():   ${ratio('skein counter: handle.inc()', 'prom-client counter: labels(...values).inc()')}x`,
);
console.log(
  `  counter   vs cached child.inc():  ${ratio('skein counter: handle.inc()', 'prom-client counter: cached child.inc()')}x`,
);
console.log(
  `  histogram vs labels(obj).observe: ${ratio('skein histogram: handle.observe(v)', 'prom-client histogram: labels(obj).observe(v)')}x`,
);
console.log(
  `  per request (3 metrics):          ${ratio('skein per request: requests.inc() + recordResponse(200)', 'prom-client per request: 3 label lookups')}x`,
);
console.log(
  `  scrape of 1000 endpoints:         ${ratio('skein scrape: LegacyMetrics.render(), 1000 endpoints', 'prom-client scrape: registry.metrics(), 1000 endpoints')}x`,
);
if (sink.length === 0) console.log('');
