import { type Reason, reason, type SkipReasonCode } from '../decide/skip-reasons.js';
import type { KubeObject } from '../k8s/types.js';
import type { JsonPatchOperation } from '../patch/json-patch.js';
import type { ReportOutcome, ResourceReport } from '../report/resource-report.js';

/** The result of injecting (or annotating) one object. */
export interface InjectResult {
  /** The changed copy, or the input itself when nothing changed. */
  readonly object: unknown;
  /** The RFC 6902 patch that turns the input into `object` (empty when unchanged). */
  readonly patch: readonly JsonPatchOperation[];
  /** What happened and why. */
  readonly report: ResourceReport;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Kind, name and namespace of an object for its report (`unknown` when it has no kind). */
export function identify(obj: unknown): { kind: string; name: string; namespace: string } {
  const o = isRecord(obj) ? (obj as KubeObject) : {};
  const meta = isRecord(o.metadata) ? o.metadata : {};
  return {
    kind: typeof o.kind === 'string' && o.kind !== '' ? o.kind.toLowerCase() : 'unknown',
    name: typeof meta.name === 'string' ? meta.name : '',
    namespace: typeof meta.namespace === 'string' ? meta.namespace : '',
  };
}

/** A result that leaves `obj` as it is. */
export function unchanged(
  obj: unknown,
  outcome: ReportOutcome,
  reasons: readonly Reason[],
  warnings: readonly string[] = [],
): InjectResult {
  return { object: obj, patch: [], report: { ...identify(obj), outcome, reasons, warnings } };
}

/** A failed result with one reason. */
export function failed(obj: unknown, code: SkipReasonCode, detail?: string): InjectResult {
  return unchanged(obj, 'failed', [reason(code, detail)]);
}
