import { type Logger, nullLogger } from '@skein/core';
import { Annotation } from '../annotations/names.js';
import { type PodOwner, podOwner } from '../k8s/pod-facts.js';
import type { KubeObject, ObjectMeta, OwnerReference } from '../k8s/types.js';
import type { Injector } from '../transform/injector.js';
import type { InjectResult } from '../transform/results.js';
import type { AdmissionRequest, AdmissionResponse } from './admission-review.js';
import type { InjectorMetrics } from './injector-metrics.js';

/** A namespace as the handler needs it: its metadata. */
export interface NamespaceObject {
  /** Namespace metadata (annotations drive inheritance). */
  readonly metadata?: {
    readonly annotations?: Readonly<Record<string, string>>;
    readonly labels?: Readonly<Record<string, string>>;
  };
}

/** Looks up a namespace by name (e.g. with @kubernetes/client-node); undefined when it does not exist. */
export type NamespaceLookup = (name: string) => Promise<NamespaceObject | undefined>;

/** Resolves the workload owning a pod through the API (ReplicaSet → Deployment, …). */
export type OwnerLookup = (namespace: string, owner: OwnerReference) => Promise<PodOwner | undefined>;

/** Options of {@link createInjectorAdmissionHandler}. */
export interface InjectorHandlerOptions {
  /** An injector built with `origin: 'webhook'`. */
  readonly injector: Injector;
  /** Namespace lookup for `linkerd.io/inject` and config inheritance. */
  readonly getNamespace: NamespaceLookup;
  /** Owner lookup; without it, owners are derived from owner references and `pod-template-hash`. */
  readonly getOwner?: OwnerLookup;
  /** Where to count requests and responses. */
  readonly metrics?: InjectorMetrics;
  /** Logger; quiet by default. */
  readonly logger?: Logger;
}

/** Answers one admission request. */
export type AdmissionHandler = (request: AdmissionRequest) => Promise<AdmissionResponse>;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function withPatch(uid: string, result: InjectResult): AdmissionResponse {
  const response: AdmissionResponse = { uid, allowed: true };
  if (result.patch.length > 0) {
    response.patchType = 'JSONPatch';
    response.patch = Buffer.from(JSON.stringify(result.patch)).toString('base64');
  }
  if (result.report.warnings.length > 0) response.warnings = [...result.report.warnings];
  return response;
}

async function resolveOwner(
  getOwner: OwnerLookup | undefined,
  namespace: string,
  meta: ObjectMeta | undefined,
): Promise<PodOwner | undefined> {
  const refs = meta?.ownerReferences;
  const valid = Array.isArray(refs)
    ? refs.filter((r) => typeof r === 'object' && r !== null && typeof r.name === 'string')
    : [];
  const ref = valid.find((r) => r.controller === true) ?? valid[0];
  if (getOwner !== undefined && ref !== undefined) {
    const found = await getOwner(namespace, ref);
    if (found !== undefined) return found;
  }
  return podOwner(meta);
}

/**
 * The proxy injector's admission logic (Linkerd's `controller/proxy-injector/webhook.go`): for a
 * pod, look up its namespace, inject when the annotations say so (returning the JSON Patch),
 * otherwise add the default opaque-ports annotation when it applies; for a Service, add the
 * opaque-ports annotation. Other objects are admitted unchanged. Lookup errors become
 * `allowed: false` with the message, as Linkerd's handler errors do. Only CREATE is patched.
 */
export function createInjectorAdmissionHandler(options: InjectorHandlerOptions): AdmissionHandler {
  const { injector, getNamespace, metrics } = options;
  const logger = options.logger ?? nullLogger;
  return async (request) => {
    const object = request.object;
    const kind = request.kind.kind;
    const namespace =
      request.namespace ??
      (isRecord(object) && isRecord(object.metadata) ? String(object.metadata.namespace ?? '') : '');
    // Linkerd's webhook is registered for CREATE; anything else is admitted untouched.
    if (request.operation !== 'CREATE' || (kind !== 'Pod' && kind !== 'Service') || !isRecord(object)) {
      return { uid: request.uid, allowed: true };
    }
    const meta = (object as KubeObject).metadata;
    const labels = {
      ownerKind: kind.toLowerCase(),
      namespace,
      injectAnnotation: meta?.annotations?.[Annotation.inject] ?? '',
    };
    try {
      const ns = await getNamespace(namespace);
      const nsAnnotations = { ...(ns?.metadata?.annotations ?? {}) };
      if (kind === 'Service') {
        metrics?.request(labels);
        metrics?.response(labels, true, 'unsupported_resource');
        return withPatch(request.uid, injector.opaquePorts(object, nsAnnotations));
      }
      const owner = await resolveOwner(options.getOwner, namespace, meta);
      const ownerLabels = { ...labels, ownerKind: owner?.kind ?? 'pod' };
      metrics?.request(ownerLabels);
      const result = injector.inject(object, { namespace, namespaceAnnotations: nsAnnotations, owner });
      if (result.report.outcome === 'injected') {
        metrics?.response(ownerLabels, false, '');
        logger.info({ namespace, name: meta?.name ?? meta?.generateName, owner }, 'injected the proxy');
        return withPatch(request.uid, result);
      }
      const reason = result.report.reasons.map((r) => r.code).join(',');
      metrics?.response(ownerLabels, true, reason);
      logger.info({ namespace, name: meta?.name ?? meta?.generateName, reason }, 'proxy injection skipped');
      return withPatch(request.uid, injector.opaquePorts(object, nsAnnotations));
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : String(cause);
      logger.error({ err: cause, namespace, kind }, 'admission request failed');
      return {
        uid: request.uid,
        allowed: false,
        status: { code: 500, message: `proxy injection failed: ${message}` },
      };
    }
  };
}
