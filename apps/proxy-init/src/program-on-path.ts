import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** True when `program` (a name looked up on `pathEnv`, or a path) is an executable file. */
export function isOnPath(program: string, pathEnv: string): boolean {
  const candidates = program.includes('/')
    ? [program]
    : pathEnv
        .split(delimiter)
        .filter(Boolean)
        .map((d) => join(d, program));
  return candidates.some((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
