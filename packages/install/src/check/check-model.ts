import type { CheckContext } from './check-context.js';

/** The outcome of one check: `ok`, or a warning (‼, does not fail) or an error (×, fails). */
export type CheckVerdict =
  | { readonly status: 'ok' }
  | { readonly status: 'warning' | 'error'; readonly message: string; readonly details?: readonly string[] };

/** One check, as data: what it verifies, where its hint is, and how to run it. */
export interface CheckDefinition {
  /** Stable id, unique in the catalogue (`l5d-identity-issuer-cert-is-time-valid`). */
  readonly id: string;
  /** What is checked, as the output words it (`issuer cert is within its validity period`). */
  readonly description: string;
  /** The anchor of the hint page (`https://linkerd.io/2/checks/#<anchor>`). */
  readonly hintAnchor: string;
  /** Retried until the `--wait` deadline while it fails (pods becoming ready). */
  readonly retryable?: boolean;
  /** A failure stops every later check (nothing else can work, e.g. no API). */
  readonly fatal?: boolean;
  /** Runs the check. A thrown error counts as an error verdict with its message. */
  run(context: CheckContext): Promise<CheckVerdict>;
}

/** A named group of checks, printed under its name. */
export interface CheckCategory {
  /** Name, as Linkerd names it (`linkerd-identity`). */
  readonly name: string;
  /** The checks, in order. */
  readonly checks: readonly CheckDefinition[];
}

/** A passing verdict. */
export const ok = (): CheckVerdict => ({ status: 'ok' });

/** A failing verdict (×). */
export function fail(message: string, details?: readonly string[]): CheckVerdict {
  return details === undefined ? { status: 'error', message } : { status: 'error', message, details };
}

/** A warning verdict (‼): reported, but the checks still pass. */
export function warn(message: string, details?: readonly string[]): CheckVerdict {
  return details === undefined ? { status: 'warning', message } : { status: 'warning', message, details };
}
