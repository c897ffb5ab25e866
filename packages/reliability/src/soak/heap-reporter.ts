// Preloaded into a soaked proxy with `node --import heap-reporter.ts` when the soak runs with
// --heap: every SKEIN_SOAK_HEAP_INTERVAL_MS it prints the V8 heap figures on stderr, so that RSS
// growth can be told apart as JavaScript heap, external memory (buffers) or native memory.
const interval = Number(process.env.SKEIN_SOAK_HEAP_INTERVAL_MS ?? 2000);

setInterval(() => {
  const m = process.memoryUsage();
  const line = {
    at: Date.now(),
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
  };
  process.stderr.write(`soak-heap ${JSON.stringify(line)}\n`);
}, interval).unref();
