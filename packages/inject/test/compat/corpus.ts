import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';

/** The corpus, read in place from the shared folder next to the repository. */
export const CORPUS_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../../../shared/compat/linkerd-inject',
);

/** One case of cases.json. */
export interface CorpusCase {
  name: string;
  input: string;
  expected: string | null;
  mode: 'manual' | 'annotate';
  exitCode: number;
  overrides?: Record<string, unknown>;
  args?: string[];
  proxyVersion?: string;
  baseValues?: Record<string, unknown>;
}

interface CasesFile {
  baseValues: { file: string; set: Record<string, string> };
  cases: CorpusCase[];
}

/** Loads cases.json, failing loudly when the corpus is not where it should be. */
export function loadCorpus(): CasesFile {
  const path = join(CORPUS_DIR, 'cases.json');
  if (!existsSync(path)) {
    throw new Error(
      `the Linkerd injector corpus is missing: expected ${path} (../shared/compat/linkerd-inject from the repo root)`,
    );
  }
  return JSON.parse(readFileSync(path, 'utf8')) as CasesFile;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

/**
 * The base values layers of a case: chart-values.yaml, the `set` of cases.json (with `@file`
 * read from the corpus), the case's `baseValues` and `proxyVersion`.
 *
 * Erratum: cases.json sets `debugContainer.image.version` to `install-debug-version` (the value
 * of Linkerd's install tests), but Linkerd's inject tests (`defaultConfig()` in
 * `cli/cmd/inject_test.go`) override it with `test-inject-debug-version`, which is what the
 * expected outputs contain. The harness applies that override for every case.
 */
export function baseLayers(corpus: CasesFile, c: CorpusCase): Record<string, unknown>[] {
  const chart = parse(readFileSync(join(CORPUS_DIR, corpus.baseValues.file), 'utf8')) as Record<
    string,
    unknown
  >;
  const set: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(corpus.baseValues.set)) {
    setPath(
      set,
      path,
      value.startsWith('@') ? readFileSync(join(CORPUS_DIR, value.slice(1)), 'utf8') : value,
    );
  }
  const erratum = { debugContainer: { image: { version: 'test-inject-debug-version' } } };
  const layers = [chart, set, erratum];
  if (c.baseValues !== undefined) layers.push(c.baseValues);
  if (c.proxyVersion !== undefined) layers.push({ proxy: { image: { version: c.proxyVersion } } });
  return layers;
}

/** Reads a corpus file as text. */
export function corpusText(relative: string): string {
  return readFileSync(join(CORPUS_DIR, relative), 'utf8');
}

function withoutCreatedBy(doc: unknown): unknown {
  if (Array.isArray(doc)) return doc.map(withoutCreatedBy);
  if (typeof doc !== 'object' || doc === null) return doc;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) {
    out[k] = k === 'linkerd.io/created-by' ? '<created-by>' : withoutCreatedBy(v);
  }
  return out;
}

/**
 * Parses a multi-document stream for structural comparison: empty documents (a trailing `---`
 * opens one) are dropped, and the value of `linkerd.io/created-by` is masked.
 */
export function structuralDocuments(text: string): unknown[] {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) return [];
  for (const d of docs)
    if (d.errors.length > 0) throw new Error(`unparseable output: ${d.errors[0]!.message}`);
  return docs
    .map((d) => d.toJS() as unknown)
    .filter((d) => d !== null && d !== undefined)
    .map(withoutCreatedBy);
}
