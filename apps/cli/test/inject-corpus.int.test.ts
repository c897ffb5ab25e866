import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { CORPUS_DIR, type CorpusCase, loadCorpus, overlayLayers, structuralDocuments } from './corpus.js';
import { runSkein, SKEIN_BIN } from './run-skein.js';

const corpus = loadCorpus();
let dir: string;

beforeAll(() => {
  if (!existsSync(SKEIN_BIN)) throw new Error(`build the CLI first: ${SKEIN_BIN} is missing`);
  dir = mkdtempSync(join(tmpdir(), 'skein-cli-corpus-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function valuesArgs(c: CorpusCase): string[] {
  const args = ['--values', join(CORPUS_DIR, corpus.baseValues.file)];
  overlayLayers(corpus, c).forEach((layer, i) => {
    const file = join(dir, `${c.name}-${i}.yaml`);
    writeFileSync(file, stringify(layer));
    args.push('--values', file);
  });
  return args;
}

describe('`skein inject` on the Linkerd corpus (child process)', () => {
  it.each(corpus.cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const args = [
      'inject',
      ...(c.mode === 'manual' ? ['--manual'] : []),
      ...valuesArgs(c),
      ...(c.args ?? []),
      join(CORPUS_DIR, c.input),
    ];
    const run = await runSkein(args);
    expect(run.code, run.stderr).toBe(c.exitCode);
    if (c.expected !== null) {
      expect(structuralDocuments(run.stdout)).toEqual(
        structuralDocuments(readFileSync(join(CORPUS_DIR, c.expected), 'utf8')),
      );
    }
    if (c.exitCode === 1)
      expect(run.stderr).toMatch(/Error transforming resources:\n(failed to inject|.*document)/);
  });
});
