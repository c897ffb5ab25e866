import { parseGoDuration } from '@skein/core';
import { ANNOTATION_SPECS } from '../annotations/annotation-specs.js';
import { Annotation, InjectMode } from '../annotations/names.js';
import { ValuesError } from '../errors.js';
import { coerceLeaf } from '../values/coerce-leaf.js';
import { getValueAt, resolveValues } from '../values/resolve-values.js';
import { isLeaf, type LeafForm, type SectionSchema, VALUES_SCHEMA } from '../values/schema.js';
import { parseSetArguments } from '../values/set-argument.js';
import type { Values } from '../values/types.js';
import { INJECT_FLAGS } from './inject-flags.js';

/** What the CLI collected: values files, proxy flags and `--set` arguments. */
export interface CliInjectInput {
  /** Parsed `--values` files, in order (later wins). */
  readonly valuesFiles?: readonly unknown[];
  /** Names of the `--values` files, for error messages. */
  readonly valuesSources?: readonly string[];
  /** Proxy flags given on the command line, by long name (`admin-port` → `"1234"`, `ingress` → true). */
  readonly flags?: Readonly<Record<string, string | boolean>>;
  /** `--set` arguments, in order. */
  readonly sets?: readonly string[];
  /** Override layers given as values trees (applied before flags and `--set`, annotated like them). */
  readonly overrides?: readonly unknown[];
}

/** Values and override annotations for `skein inject`. */
export interface CliInjectConfig {
  /** The base values (defaults plus `--values`), without flags. */
  readonly baseValues: Values;
  /** The values with flags and `--set` applied. */
  readonly values: Values;
  /** The `config.linkerd.io/*` annotations for every override that has one, as Linkerd's CLI writes. */
  readonly annotations: Record<string, string>;
  /** Ignored keys. */
  readonly warnings: readonly string[];
}

function leafAt(path: string): LeafForm | undefined {
  let node: LeafForm | SectionSchema | undefined = VALUES_SCHEMA;
  for (const key of path.split('.')) {
    if (node === undefined || isLeaf(node)) return undefined;
    node = node[key];
  }
  return node !== undefined && isLeaf(node) ? node : undefined;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

function mergeInto(target: Record<string, unknown>, overlay: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(overlay)) {
    const current = target[k];
    if (
      typeof v === 'object' &&
      v !== null &&
      !Array.isArray(v) &&
      typeof current === 'object' &&
      current !== null
    ) {
      mergeInto(current as Record<string, unknown>, v as Record<string, unknown>);
    } else {
      target[k] = v;
    }
  }
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Builds the values and annotations of `skein inject`: defaults, then `--values` files, then
 * the proxy flags and `--set` arguments as one layer. Each override that Linkerd expresses as a
 * `config.linkerd.io/*` annotation (and `--ingress` as `linkerd.io/inject: ingress`) is also
 * returned as that annotation, so the pods carry their configuration as Linkerd's CLI writes it.
 *
 * @throws {ValuesError} naming the flag (`--admin-port`) or values path and the expected form.
 */
export function resolveCliInjectConfig(input: CliInjectInput): CliInjectConfig {
  const base = resolveValues(input.valuesFiles ?? [], undefined, input.valuesSources);
  const overlay: Record<string, unknown> = {};
  const annotations: Record<string, string> = {};
  for (const layer of input.overrides ?? []) {
    if (typeof layer !== 'object' || layer === null || Array.isArray(layer)) {
      throw new ValuesError('(overrides)', layer, 'a map of values');
    }
    mergeInto(overlay, structuredClone(layer) as Record<string, unknown>);
  }
  for (const [name, raw] of Object.entries(input.flags ?? {})) {
    const flag = INJECT_FLAGS.find((x) => x.name === name);
    if (flag === undefined)
      throw new ValuesError(
        `--${name}`,
        raw,
        `one of the inject flags (${INJECT_FLAGS.map((x) => x.name).join(', ')})`,
      );
    if (flag.path !== undefined) {
      const form = leafAt(flag.path)!;
      try {
        setPath(overlay, flag.path, coerceLeaf(form, flag.path, raw));
      } catch (cause) {
        throw new ValuesError(
          `--${name}`,
          raw,
          (cause as Error).message.replace(/^invalid value [^:]*: expected /, ''),
          { cause },
        );
      }
    } else if (flag.annotation !== undefined) {
      if (name === 'close-wait-timeout') {
        try {
          parseGoDuration(String(raw));
        } catch (cause) {
          throw new ValuesError(`--${name}`, raw, 'a duration such as 10s or 1m', { cause });
        }
      }
      if (raw !== false) annotations[flag.annotation] = raw === true ? 'true' : String(raw);
    }
  }
  mergeInto(overlay, parseSetArguments(input.sets ?? []));
  const resolved = resolveValues([overlay], base.values);
  const values = resolved.values;
  for (const spec of ANNOTATION_SPECS) {
    if (spec.valuePath === undefined || spec.format === undefined) continue;
    const after = getValueAt(values, spec.valuePath);
    if (same(after, getValueAt(base.values, spec.valuePath))) continue;
    const text = spec.format(after);
    if (text !== undefined) annotations[spec.name] = text;
  }
  if (values.proxy.isIngress && !base.values.proxy.isIngress)
    annotations[Annotation.inject] = InjectMode.ingress;
  return { baseValues: base.values, values, annotations, warnings: [...base.warnings, ...resolved.warnings] };
}
