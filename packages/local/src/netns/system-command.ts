import { execFile } from 'node:child_process';
import { NetnsError } from '../errors.js';

/** Runs a system command (`ip`, …) to completion; resolves with its stdout. */
export function runSystem(argv: readonly string[], allowFailure = false): Promise<string> {
  const [command, ...args] = argv;
  return new Promise((resolve, reject) => {
    execFile(command!, args, { timeout: 20_000 }, (err, stdout, stderr) => {
      if (err === null || allowFailure) {
        resolve(stdout);
        return;
      }
      reject(new NetnsError(`\`${argv.join(' ')}\` failed: ${stderr.trim() || err.message}`, { cause: err }));
    });
  });
}
