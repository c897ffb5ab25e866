import type { InjectOrigin } from '../decide/decide.js';
import type { PodTemplate } from '../k8s/types.js';
import type { Values } from '../values/types.js';

/** What a mutator knows about the workload being injected. */
export interface MutatorContext {
  /** Workload kind in lower case (`deployment`, `pod`). */
  readonly kind: string;
  /** Workload name (empty for pods with `generateName`). */
  readonly name: string;
  /** Workload namespace (empty when unknown). */
  readonly namespace: string;
  /** CLI or webhook. */
  readonly origin: InjectOrigin;
  /** Values in effect for this workload, after annotation overrides. Read-only. */
  readonly values: Readonly<Values>;
}

/**
 * A user plugin that runs after Skein's patch, on the injected pod template (metadata and
 * spec, the proxy already in place). It edits the template in place: add an annotation,
 * change the proxy's resources, add a volume. The changes join the JSON Patch as extra
 * operations and appear in the mutated object, so the webhook and the CLI agree.
 *
 * @example
 * ```ts
 * const teamLabel: InjectMutator = {
 *   name: 'team-label',
 *   mutate(pod, ctx) {
 *     pod.metadata ??= {};
 *     pod.metadata.labels = { ...pod.metadata.labels, 'example.com/meshed-by': ctx.origin };
 *   },
 * };
 * ```
 */
export interface InjectMutator {
  /** A short name, used in error reports. */
  readonly name: string;
  /** Edits the injected pod template in place. Throwing fails the injection of this workload. */
  mutate(pod: PodTemplate, context: MutatorContext): void;
}
