import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built CLI. */
export const SKEIN_BIN = join(dirname(fileURLToPath(import.meta.url)), '../dist/main.js');

/** What a `skein` run printed and how it exited. */
export interface SkeinRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `skein` binary as a child process with Node 24 (this process's node). */
export function runSkein(args: readonly string[], stdin?: string): Promise<SkeinRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SKEIN_BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}
