// SKEIN_PROXY_MEMORY_PROFILE (ADR 0024): the V8 heap settings the process runs with.
//
// The young generation's size can only be chosen when V8 creates its heap, i.e. on node's
// command line. So, for `compact`, the process re-executes itself once with the flag added
// (`process.execve`: same PID, same stdio, same environment; nothing has been opened yet),
// unless whoever started it already chose a young-generation size.

import { setFlagsFromString } from 'node:v8';
import type { MemoryProfile } from '@skein/proxy';

/** Largest semi-space (MiB) under `compact`: young-generation garbage is collected early. */
const COMPACT_SEMI_SPACE_MIB = 2;
const SEMI_SPACE_FLAG = '--max-semi-space-size';

/**
 * Applies `profile` to this process. Under `compact`, may replace the process image (and not
 * return) to start V8 with a small young generation.
 */
export function applyMemoryProfile(profile: MemoryProfile): void {
  // Both profiles grow the old generation slowly: a proxy's long-lived state is small.
  setFlagsFromString('--heap-growing-percent=10');
  if (profile !== 'compact') return;
  const chosen = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some(
    (arg) => arg.startsWith(`${SEMI_SPACE_FLAG}=`) || arg === SEMI_SPACE_FLAG,
  );
  if (chosen) return;
  // No execve on this platform (Windows): fall back to V8's size-over-speed mode.
  if (typeof process.execve !== 'function') {
    setFlagsFromString('--optimize-for-size');
    return;
  }
  const script = process.argv[1];
  if (script === undefined) return;
  process.execve(process.execPath, [
    process.execPath,
    `${SEMI_SPACE_FLAG}=${COMPACT_SEMI_SPACE_MIB}`,
    ...process.execArgv,
    script,
    ...process.argv.slice(2),
  ]);
}
