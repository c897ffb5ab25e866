import { type Document, parseAllDocuments } from 'yaml';
import { FATAL_REASONS } from '../decide/skip-reasons.js';
import { normalizeWorkload } from '../k8s/normalize.js';
import type { KubeObject } from '../k8s/types.js';
import type { ResourceReport } from '../report/resource-report.js';
import type { Injector } from '../transform/injector.js';
import { type ManifestFormat, serializeObject } from './serialize.js';

/**
 * - `manual`: full injection (`skein inject --manual`): uninject, then add the proxy;
 * - `annotate`: plain `skein inject`: add `linkerd.io/inject: enabled` and override annotations;
 * - `uninject`: remove the proxy.
 */
export type ManifestMode = 'manual' | 'annotate' | 'uninject';

/** Options of {@link transformManifests}. */
export interface TransformManifestsOptions {
  /** The injector to use. */
  readonly injector: Injector;
  /** What to do. */
  readonly mode: ManifestMode;
  /** Override annotations to add to every pod template (the CLI's flags). */
  readonly annotations?: Readonly<Record<string, string>>;
  /** Namespace for workloads that do not set one (`linkerd.io/workload-ns`). */
  readonly namespace?: string;
  /** Output format; YAML by default. */
  readonly format?: ManifestFormat;
  /** Name of the input, used in error messages (a file path or `-`). */
  readonly source?: string;
}

/** The transformed stream. */
export interface TransformManifestsResult {
  /** The documents that could be handled, each followed by `---`. */
  readonly output: string;
  /** One report per resource (List items count one each). */
  readonly reports: readonly ResourceReport[];
  /** Why documents were left out: bad YAML, or `failed to inject <kind>/<name>: …`. */
  readonly errors: readonly string[];
}

type Outcome = { readonly object: unknown; readonly rewritten: boolean } | { readonly error: string };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function transformObject(
  obj: unknown,
  options: TransformManifestsOptions,
  reports: ResourceReport[],
): Outcome {
  const { injector, mode } = options;
  let base = obj;
  let rewritten = false;
  if (mode !== 'annotate') {
    const u = injector.uninject(obj);
    if (u.handled) {
      base = normalizeWorkload(u.object as KubeObject);
      rewritten = true;
    }
    if (mode === 'uninject') {
      reports.push(u.report);
      return { object: base, rewritten };
    }
  }
  const r = injector.inject(base, {
    annotate: mode === 'annotate',
    namespace: options.namespace ?? '',
    annotations: options.annotations ?? {},
  });
  reports.push(r.report);
  const { kind, name } = r.report;
  if (r.report.outcome === 'failed') {
    const fatal = r.report.reasons.filter((x) => FATAL_REASONS.has(x.code)).map((x) => x.message);
    return { error: `failed to inject ${kind}${name === '' ? '' : `/${name}`}: ${fatal.join(', ')}` };
  }
  if (r.patch.length === 0) return { object: base, rewritten };
  return { object: normalizeWorkload(r.object as KubeObject), rewritten: true };
}

/** A List's metadata as Linkerd writes it back: always present, without empty fields. */
function listMeta(meta: unknown): Record<string, unknown> {
  if (!isRecord(meta)) return {};
  return Object.fromEntries(Object.entries(meta).filter(([, v]) => v !== null && v !== ''));
}

function transformDocument(
  js: unknown,
  options: TransformManifestsOptions,
  reports: ResourceReport[],
): Outcome {
  if (isRecord(js) && js.kind === 'List' && Array.isArray(js.items)) {
    const items: unknown[] = [];
    let rewritten = false;
    for (const item of js.items) {
      const out = transformObject(item, options, reports);
      if ('error' in out) return out;
      items.push(out.object);
      rewritten ||= out.rewritten;
    }
    if (!rewritten) return { object: js, rewritten: false };
    return { object: { ...js, items, metadata: listMeta(js.metadata) }, rewritten: true };
  }
  return transformObject(js, options, reports);
}

function original(doc: Document, format: ManifestFormat): string {
  if (format === 'json') return `${JSON.stringify(doc.toJS(), null, 2)}\n`;
  return doc.toString({ directives: false, indentSeq: false, lineWidth: 0 });
}

/**
 * Transforms a multi-document YAML (or JSON) stream: Lists item by item, empty documents kept,
 * documents that cannot be parsed or injected left out with an error (the CLI then exits 1,
 * as Linkerd does). Re-serialized documents follow Linkerd's form (see `normalizeWorkload`);
 * untouched ones keep their text.
 */
export function transformManifests(
  text: string,
  options: TransformManifestsOptions,
): TransformManifestsResult {
  const format = options.format ?? 'yaml';
  const source = options.source ?? '-';
  const reports: ResourceReport[] = [];
  const errors: string[] = [];
  const parts: string[] = [];
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [];
  list.forEach((doc, i) => {
    if (doc.errors.length > 0) {
      errors.push(`${source}: document ${i + 1}: ${doc.errors[0]!.message.split('\n')[0]}`);
      return;
    }
    let js: unknown;
    try {
      js = doc.toJS({ maxAliasCount: 1000 });
    } catch (cause) {
      errors.push(`${source}: document ${i + 1}: ${(cause as Error).message}`);
      return;
    }
    if (js === null || js === undefined) {
      // A trailing `---` opens an empty last document; only empty documents between others are kept.
      if (i < list.length - 1) parts.push(format === 'json' ? '' : '\n---\n');
      return;
    }
    let out: Outcome;
    try {
      out = transformDocument(js, options, reports);
    } catch (cause) {
      if (!(cause instanceof Error) || !('code' in cause)) throw cause;
      errors.push(`${source}: document ${i + 1}: ${cause.message}`);
      return;
    }
    if ('error' in out) {
      errors.push(out.error);
      return;
    }
    const body = out.rewritten ? serializeObject(out.object, format) : original(doc, format);
    parts.push(format === 'json' ? body : `${body}---\n`);
  });
  return { output: parts.join(''), reports, errors };
}
