import { ErrorCode, SkeinError } from '../errors/index.js';
import { escapeLabelValue, isValidLabelName } from './exposition.js';

/** A label value as accepted by {@link LabelSet.of}; numbers and booleans are turned into text. */
export type LabelValue = string | number | boolean;

/** Labels as an object (insertion order kept) or as ordered `[name, value]` pairs. */
export type LabelInput = Readonly<Record<string, LabelValue>> | Iterable<readonly [string, LabelValue]>;

/**
 * An ordered, immutable set of labels, rendered and escaped once when built. Resolve a metric
 * series from a label set once per endpoint or target and keep the handle; the hot path then
 * never builds label strings. Order is kept for rendering (Linkerd's label order matters to
 * readers); identity ignores order.
 */
export class LabelSet {
  /** The empty label set. */
  static readonly EMPTY: LabelSet = new LabelSet([]);

  readonly #pairs: readonly (readonly [string, string])[];
  /** The rendered labels without braces, e.g. `direction="inbound",tls="true"`; `''` when empty. */
  readonly text: string;
  /** An order-independent identity key. */
  readonly key: string;
  #object: Readonly<Record<string, string>> | undefined;

  private constructor(pairs: readonly (readonly [string, string])[]) {
    this.#pairs = pairs;
    const rendered = pairs.map(([n, v]) => `${n}="${escapeLabelValue(v)}"`);
    this.text = rendered.join(',');
    this.key = pairs.length < 2 ? this.text : [...rendered].sort().join(',');
  }

  /**
   * Builds a label set.
   *
   * @throws {SkeinError} `ERR_SKEIN_INVALID_ARGUMENT` for an invalid or repeated label name.
   */
  static of(labels: LabelInput): LabelSet {
    return LabelSet.EMPTY.with(labels);
  }

  /** A new set with `labels` appended after these. */
  with(labels: LabelInput): LabelSet {
    const pairs: (readonly [string, string])[] = [...this.#pairs];
    const seen = new Set(pairs.map(([n]) => n));
    const entries = Symbol.iterator in labels ? labels : Object.entries(labels);
    for (const [name, value] of entries as Iterable<readonly [string, LabelValue]>) {
      if (!isValidLabelName(name)) {
        throw new SkeinError(
          ErrorCode.InvalidArgument,
          `invalid label name ${JSON.stringify(name)}: expected [a-zA-Z_][a-zA-Z0-9_]* not starting with __`,
        );
      }
      if (seen.has(name)) {
        throw new SkeinError(
          ErrorCode.InvalidArgument,
          `label ${JSON.stringify(name)} appears twice in one label set`,
        );
      }
      seen.add(name);
      pairs.push([name, String(value)]);
    }
    return pairs.length === this.#pairs.length ? this : new LabelSet(pairs);
  }

  /** The number of labels. */
  get size(): number {
    return this.#pairs.length;
  }

  /** The value of label `name`, if present. */
  get(name: string): string | undefined {
    return this.#pairs.find(([n]) => n === name)?.[1];
  }

  /** The `[name, value]` pairs in order. */
  entries(): readonly (readonly [string, string])[] {
    return this.#pairs;
  }

  /** The labels as a frozen object (built once), as prom-client's collectors expect. */
  toObject(): Readonly<Record<string, string>> {
    this.#object ??= Object.freeze(Object.fromEntries(this.#pairs));
    return this.#object;
  }

  /** The rendered labels in braces, or `''` when empty. */
  toString(): string {
    return this.text === '' ? '' : `{${this.text}}`;
  }
}
