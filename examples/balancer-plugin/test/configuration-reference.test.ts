// docs/reference/configuration.md is generated from the code (scripts/config-reference.mjs). This
// check lives here because this workspace depends on every app the generator reads, so they are
// built before it runs.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../../scripts/config-reference.mjs', import.meta.url));

describe('docs/reference/configuration.md', () => {
  it('matches what the code says (else run `npm run docs:config`)', () => {
    const run = spawnSync(process.execPath, [SCRIPT, '--check'], { encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('is up to date');
  });
});
