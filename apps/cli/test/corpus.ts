import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

/** Linkerd's injector corpus, read in place next to the repository. */
export const CORPUS_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../../shared/compat/linkerd-inject',
);

/** One case of cases.json. */
export interface CorpusCase {
  name: string;
  input: string;
  expected: string | null;
  mode: 'manual' | 'annotate';
  exitCode: number;
  args?: string[];
  proxyVersion?: string;
  baseValues?: Record<string, unknown>;
}

/** cases.json. */
export interface Corpus {
  baseValues: { file: string; set: Record<string, string> };
  cases: CorpusCase[];
}

/** Loads cases.json, failing loudly when the corpus is missing. */
export function loadCorpus(): Corpus {
  const path = join(CORPUS_DIR, 'cases.json');
  if (!existsSync(path)) throw new Error(`the Linkerd injector corpus is missing: expected ${path}`);
  return JSON.parse(readFileSync(path, 'utf8')) as Corpus;
}

/**
 * The values layers of a case on top of chart-values.yaml: cases.json's `set` (with `@file`
 * read from the corpus), the debug image version Linkerd's inject tests use
 * (`test-inject-debug-version`, which the expected outputs contain, where cases.json lists the
 * install tests' value), the case's `baseValues` and `proxyVersion`.
 */
export function overlayLayers(corpus: Corpus, c: CorpusCase): Record<string, unknown>[] {
  const set: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(corpus.baseValues.set)) {
    const keys = path.split('.');
    let node = set;
    for (const key of keys.slice(0, -1)) {
      node[key] ??= {};
      node = node[key] as Record<string, unknown>;
    }
    node[keys[keys.length - 1]!] = value.startsWith('@')
      ? readFileSync(join(CORPUS_DIR, value.slice(1)), 'utf8')
      : value;
  }
  const layers: Record<string, unknown>[] = [
    set,
    { debugContainer: { image: { version: 'test-inject-debug-version' } } },
  ];
  if (c.baseValues !== undefined) layers.push(c.baseValues);
  if (c.proxyVersion !== undefined) layers.push({ proxy: { image: { version: c.proxyVersion } } });
  return layers;
}

function mask(doc: unknown): unknown {
  if (Array.isArray(doc)) return doc.map(mask);
  if (typeof doc !== 'object' || doc === null) return doc;
  return Object.fromEntries(
    Object.entries(doc).map(([k, v]) => [k, k === 'linkerd.io/created-by' ? '<created-by>' : mask(v)]),
  );
}

/** Documents of a stream for structural comparison: empty ones dropped, created-by masked. */
export function structuralDocuments(text: string): unknown[] {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) return [];
  for (const d of docs) if (d.errors.length > 0) throw new Error(`unparseable YAML: ${d.errors[0]!.message}`);
  return docs
    .map((d) => d.toJS() as unknown)
    .filter((d) => d !== null && d !== undefined)
    .map(mask);
}
