import { InstallError, InstallErrorCode } from '../errors.js';
import type { CheckContext } from './check-context.js';
import type { CheckCategory, CheckDefinition, CheckVerdict } from './check-model.js';

/** Linkerd's hint pages; each check adds its anchor. */
export const DEFAULT_HINT_BASE_URL = 'https://linkerd.io/2/checks/#';

/** The result of one check, as `-o json` prints it. */
export interface CheckResult {
  /** The check's id. */
  readonly id: string;
  /** What was checked. */
  readonly description: string;
  /** The hint URL. */
  readonly hint: string;
  /** `success`, `warning` or `error`. */
  readonly result: 'success' | 'warning' | 'error';
  /** What is wrong (absent on success). */
  readonly error?: string;
  /** Further lines (one per object at fault). */
  readonly details?: readonly string[];
}

/** The results of one category. */
export interface CategoryResult {
  /** The category name. */
  readonly categoryName: string;
  /** Its checks, in order. */
  readonly checks: readonly CheckResult[];
}

/** The whole run: `success` is false when any check ended in an error. */
export interface CheckReport {
  /** No errors (warnings allowed). */
  readonly success: boolean;
  /** Results per category, in run order. */
  readonly categories: readonly CategoryResult[];
}

/** Progress of a run, for live output. */
export type CheckEvent =
  | { readonly type: 'category'; readonly category: string }
  | {
      readonly type: 'waiting';
      readonly category: string;
      readonly check: CheckDefinition;
      readonly message: string;
    }
  | { readonly type: 'result'; readonly category: string; readonly result: CheckResult };

/** Options of {@link runChecks}. */
export interface RunChecksOptions {
  /** Categories to run, in order. */
  readonly categories: readonly CheckCategory[];
  /** What the checks read. */
  readonly context: CheckContext;
  /** How long retryable checks may keep failing before they count (ms). Default: 0 (no retry). */
  readonly waitMs?: number;
  /** Pause between attempts of a retryable check (ms). Default: 1000. */
  readonly retryIntervalMs?: number;
  /** Base URL of the hints. Default: {@link DEFAULT_HINT_BASE_URL}. */
  readonly hintBaseUrl?: string;
  /** Called as the run progresses. */
  readonly onEvent?: (event: CheckEvent) => void;
  /** Stops waiting early. */
  readonly signal?: AbortSignal;
}

function assertUniqueIds(categories: readonly CheckCategory[]): void {
  const seen = new Set<string>();
  for (const c of categories) {
    for (const check of c.checks) {
      if (seen.has(check.id)) {
        throw new InstallError(InstallErrorCode.Check, `check id "${check.id}" appears twice (in ${c.name})`);
      }
      seen.add(check.id);
    }
  }
}

async function attempt(check: CheckDefinition, context: CheckContext): Promise<CheckVerdict> {
  try {
    return await check.run(context);
  } catch (err) {
    return { status: 'error', message: err instanceof Error ? err.message : String(err) };
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

/**
 * Runs the checks in order, like `linkerd check`: each check once, a retryable one again every
 * `retryIntervalMs` while it fails until `waitMs` after the run started, and nothing after a
 * failed fatal check. Never throws for a failing check; throws only for a bad catalogue.
 *
 * @throws {InstallError} (`ERR_SKEIN_INSTALL_CHECK`) when two checks share an id.
 */
export async function runChecks(options: RunChecksOptions): Promise<CheckReport> {
  assertUniqueIds(options.categories);
  const deadline = Date.now() + (options.waitMs ?? 0);
  const interval = options.retryIntervalMs ?? 1000;
  const base = options.hintBaseUrl ?? DEFAULT_HINT_BASE_URL;
  const emit = options.onEvent ?? (() => {});
  const categories: CategoryResult[] = [];
  let success = true;
  for (const category of options.categories) {
    emit({ type: 'category', category: category.name });
    const results: CheckResult[] = [];
    categories.push({ categoryName: category.name, checks: results });
    for (const check of category.checks) {
      let verdict = await attempt(check, options.context);
      while (
        verdict.status === 'error' &&
        check.retryable === true &&
        Date.now() + interval < deadline &&
        options.signal?.aborted !== true
      ) {
        emit({ type: 'waiting', category: category.name, check, message: verdict.message });
        await sleep(interval, options.signal);
        verdict = await attempt(check, options.context);
      }
      const result: CheckResult = {
        id: check.id,
        description: check.description,
        hint: `${base}${check.hintAnchor}`,
        result: verdict.status === 'ok' ? 'success' : verdict.status,
        ...(verdict.status === 'ok' ? {} : { error: verdict.message }),
        ...(verdict.status !== 'ok' && verdict.details !== undefined ? { details: verdict.details } : {}),
      };
      results.push(result);
      emit({ type: 'result', category: category.name, result });
      if (verdict.status === 'error') {
        success = false;
        if (check.fatal === true) return { success, categories };
      }
    }
  }
  return { success, categories };
}
