// What ships in `skein-proxy`'s bundle matters for the memory of every pod: V8 keeps the source
// text of each loaded module on its heap.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const chunks = readdirSync(dist).filter((f) => f.endsWith('.js'));

describe('skein-proxy bundle', () => {
  it('is built', () => {
    expect(chunks).toContain('main.js');
  });

  it('is Latin-1 text, so V8 holds each module source at one byte per character', () => {
    // One character outside Latin-1 anywhere in a file (a comment, a regex) doubles the memory
    // V8 uses for that file's source. esbuild escapes strings, not comments or regex literals.
    const offenders: string[] = [];
    for (const file of chunks) {
      const lines = readFileSync(`${dist}${file}`, 'utf8').split('\n');
      lines.forEach((line, i) => {
        if (/[^\u0000-\u00ff]/u.test(line)) offenders.push(`${file}:${i + 1}: ${line.trim().slice(0, 120)}`);
      });
    }
    expect(offenders).toEqual([]);
  });

  it('leaves out the Kubernetes client, which a proxy never uses', () => {
    const bundled = chunks.filter((file) =>
      readFileSync(`${dist}${file}`, 'utf8').includes('node_modules/@kubernetes/client-node/'),
    );
    expect(bundled).toEqual([]);
  });
});
