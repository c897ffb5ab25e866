import type { InjectOrigin } from '../decide/decide.js';
import { reason, SkipReason } from '../decide/skip-reasons.js';
import { ValuesError } from '../errors.js';
import type { PodOwner } from '../k8s/pod-facts.js';
import { podTemplateProblem } from '../k8s/pod-template-problem.js';
import type { KubeObject } from '../k8s/types.js';
import { locatePodTemplate } from '../k8s/workload.js';
import { defaultValues } from '../values/defaults.js';
import type { Values } from '../values/types.js';
import { annotateNamespace, opaquePortsPatch } from './annotate-only.js';
import { injectWorkload, type WorkloadInjectSettings } from './inject-workload.js';
import type { InjectMutator } from './mutator.js';
import { failed, type InjectResult, unchanged } from './results.js';
import { trustRootSha256 } from './trust-root.js';
import { type UninjectResult, uninjectObject } from './uninject.js';

/** How an {@link Injector} is set up. */
export interface InjectorOptions {
  /** Helm values (see `resolveValues`); defaults to Skein's defaults. */
  readonly values?: Values;
  /** Namespace of the control plane; `linkerd` by default, as Linkerd installs it. */
  readonly controlPlaneNamespace?: string;
  /** `cli` (default) or `webhook`: namespace inheritance and default opaque ports are webhook-only. */
  readonly origin?: InjectOrigin;
  /** Value of `linkerd.io/created-by`; defaults to `skein/cli dev` or `skein/proxy-injector dev`. */
  readonly createdBy?: string;
  /** User mutators, run in order after Skein's patch. */
  readonly mutators?: readonly InjectMutator[];
}

/** Per-object options of {@link Injector.inject}. */
export interface InjectOptions {
  /** Only add `linkerd.io/inject: enabled` and the override annotations (plain `skein inject`). */
  readonly annotate?: boolean;
  /** The namespace of the request (webhook) or the default namespace (CLI). */
  readonly namespace?: string;
  /** Annotations of the namespace, for inheritance (webhook). */
  readonly namespaceAnnotations?: Readonly<Record<string, string>>;
  /** Annotations to add to the pod and apply as overrides (the CLI's proxy flags). */
  readonly annotations?: Readonly<Record<string, string>>;
  /** The controller owning a pod, when the caller looked it up (webhook). */
  readonly owner?: PodOwner;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The proxy injector: pure functions over plain Kubernetes objects, set up once with values.
 * `inject` never throws on bad input objects; it returns a report with the reason.
 *
 * @example
 * ```ts
 * const injector = new Injector({ values: resolveValues([{ identityTrustAnchorsPEM: pem }]).values });
 * const { object, patch, report } = injector.inject(deployment);
 * ```
 */
export class Injector {
  readonly #settings: WorkloadInjectSettings;

  /** @throws {ValuesError} when `controlPlaneNamespace` is not a DNS label. */
  constructor(options: InjectorOptions = {}) {
    const values = options.values ?? defaultValues();
    const origin = options.origin ?? 'cli';
    const ns = options.controlPlaneNamespace ?? 'linkerd';
    if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(ns)) {
      throw new ValuesError('controlPlaneNamespace', ns, 'a namespace name (DNS-1123 label)');
    }
    this.#settings = {
      values,
      origin,
      controlPlaneNamespace: ns,
      createdBy: options.createdBy ?? `skein/${origin === 'cli' ? 'cli' : 'proxy-injector'} dev`,
      trustRootSha256: trustRootSha256(values.identityTrustAnchorsPEM),
      mutators: options.mutators ?? [],
    };
  }

  /** The values this injector was built with. */
  get values(): Values {
    return this.#settings.values;
  }

  /**
   * Injects the proxy into a workload (Deployment, ReplicaSet, ReplicationController,
   * StatefulSet, DaemonSet, Job, CronJob, Pod), or annotates a Namespace. Other kinds come back
   * unchanged as `skipped`; non-objects as `failed`.
   *
   * @throws {ValuesError} when the proxy would be added but `identityTrustAnchorsPEM` is empty.
   */
  inject(object: unknown, options: InjectOptions = {}): InjectResult {
    if (!isRecord(object) || typeof object.kind !== 'string' || object.kind === '') {
      return failed(object, SkipReason.invalidObject, 'expected a mapping with a "kind"');
    }
    const obj = object as KubeObject;
    const annotations = options.annotations ?? {};
    if (obj.kind!.toLowerCase() === 'namespace') return annotateNamespace(obj, annotations);
    const workload = locatePodTemplate(obj);
    if (workload === undefined)
      return unchanged(obj, 'skipped', [reason(SkipReason.unsupportedResource, obj.kind)]);
    if (workload.template === undefined)
      return failed(obj, SkipReason.noPodTemplate, `expected ${workload.prefix || ''}/spec`);
    const problem = podTemplateProblem(workload);
    if (problem !== undefined) return failed(obj, SkipReason.invalidObject, problem);
    if (options.annotate !== true && this.#settings.values.identityTrustAnchorsPEM.trim() === '') {
      throw new ValuesError(
        'identityTrustAnchorsPEM',
        '',
        'the PEM trust anchors of the mesh (needed to add the proxy)',
      );
    }
    return injectWorkload(obj, workload, this.#settings, {
      annotate: options.annotate === true,
      namespace: options.namespace ?? '',
      namespaceAnnotations: options.namespaceAnnotations ?? {},
      annotations,
      owner: options.owner,
    });
  }

  /** Removes an injected proxy (see `uninjectObject`). */
  uninject(object: unknown): UninjectResult {
    return uninjectObject(object);
  }

  /**
   * The webhook's opaque-ports annotation for a Service or a pod it does not inject: the
   * namespace's `config.linkerd.io/opaque-ports`, or the default opaque ports the object declares.
   */
  opaquePorts(object: unknown, namespaceAnnotations: Readonly<Record<string, string>> = {}): InjectResult {
    if (!isRecord(object)) return failed(object, SkipReason.invalidObject);
    return opaquePortsPatch(
      object as KubeObject,
      this.#settings.values.proxy.opaquePorts,
      namespaceAnnotations,
    );
  }
}
