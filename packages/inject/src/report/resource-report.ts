import type { Reason } from '../decide/skip-reasons.js';

/**
 * What happened to one resource:
 * - `injected`: the proxy was added;
 * - `annotated`: only annotations were added (plain `inject`, namespaces, opaque ports);
 * - `uninjected`: the proxy was removed;
 * - `skipped`: left unchanged on purpose (inject disabled, unsupported kind);
 * - `failed`: could not be injected (host network, existing sidecar, …) — the CLI exits 1.
 */
export type ReportOutcome = 'injected' | 'annotated' | 'uninjected' | 'skipped' | 'failed';

/** The injection report of one resource. */
export interface ResourceReport {
  /** Kind in lower case (`deployment`), or `unknown`. */
  readonly kind: string;
  /** `metadata.name` (may be empty for pods with `generateName`). */
  readonly name: string;
  /** `metadata.namespace` (may be empty). */
  readonly namespace: string;
  /** What happened. */
  readonly outcome: ReportOutcome;
  /** Why it was skipped or failed. */
  readonly reasons: readonly Reason[];
  /** Non-fatal problems: ignored annotations, UDP ports, ignored values. */
  readonly warnings: readonly string[];
}
