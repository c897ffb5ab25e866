// Preloaded into every process a local mesh starts (`NODE_OPTIONS=--import=<this module>`).
// The mesh stops its processes itself; this covers the orchestrator dying without doing so (a
// SIGKILL, a crash, a test runner killing it): the process is then reparented, and within a
// second this notices and stops it, first with SIGTERM (its graceful path) and, if it is still
// running 10 s later, with SIGKILL. It changes nothing else in the process.

const parent = process.ppid;
const watch = setInterval(() => {
  if (process.ppid === parent) return;
  clearInterval(watch);
  setTimeout(() => process.kill(process.pid, 'SIGKILL'), 10_000).unref();
  process.kill(process.pid, 'SIGTERM');
}, 1_000);
watch.unref();

export {};
