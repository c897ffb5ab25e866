import type { Values } from '../values/types.js';
import {
  ANNOTATION_SPEC_BY_NAME,
  ANNOTATION_SPECS,
  type OverrideContext,
  type OverrideFlags,
} from './annotation-specs.js';
import { Annotation, InjectMode } from './names.js';

/** The values a workload ends up with after its annotations. */
export interface OverriddenValues {
  /** Values with every valid override applied (the input when there were none). */
  readonly values: Values;
  /** Flags that are not values (the debug sidecar). */
  readonly flags: OverrideFlags;
  /** One message per ignored annotation, naming it, the value and the expected form. */
  readonly warnings: string[];
}

/**
 * Applies the `config.linkerd.io/*` (and alpha/beta) override annotations of a workload to the
 * values, as Linkerd's `ApplyAnnotationOverrides` does. `linkerd.io/inject: ingress` turns on
 * ingress mode. Invalid values are ignored with a warning. `values` is not modified; a copy is
 * made only when an override applies.
 */
export function applyAnnotationOverrides(
  values: Values,
  annotations: Readonly<Record<string, string>>,
  ctx: OverrideContext,
): OverriddenValues {
  const flags: OverrideFlags = { debugSidecar: false };
  const warnings: string[] = [];
  let draft: Values | undefined;
  for (const name in annotations) {
    const raw = annotations[name]!;
    if (name === Annotation.inject) {
      if (raw === InjectMode.ingress && !values.proxy.isIngress) {
        draft ??= structuredClone(values);
        draft.proxy.isIngress = true;
      }
      continue;
    }
    const spec = ANNOTATION_SPEC_BY_NAME.get(name);
    if (spec === undefined) continue;
    draft ??= structuredClone(values);
    const problem = spec.apply(draft, typeof raw === 'string' ? raw : String(raw), ctx, flags);
    if (problem !== undefined) warnings.push(`annotation ${name}=${JSON.stringify(raw)} ignored: ${problem}`);
  }
  return { values: draft ?? values, flags, warnings };
}

/** Annotation names a pod inherits from its namespace when it does not set them itself. */
export const INHERITED_ANNOTATIONS: readonly string[] = [
  ...ANNOTATION_SPECS.filter((s) => s.inherit).map((s) => s.name),
  Annotation.inject,
];

/**
 * The namespace annotations a pod inherits: known proxy-config keys (and `linkerd.io/inject`)
 * the namespace sets and the pod does not. Unknown keys, `proxy-cpu-ratio-limit`,
 * `enable-gateway`, the `debug-*` keys and `close-wait-timeout` are not inherited.
 */
export function inheritedAnnotations(
  namespaceAnnotations: Readonly<Record<string, string>>,
  podAnnotations: Readonly<Record<string, string>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of INHERITED_ANNOTATIONS) {
    const v = namespaceAnnotations[name];
    if (v !== undefined && podAnnotations[name] === undefined) out[name] = v;
  }
  return out;
}
