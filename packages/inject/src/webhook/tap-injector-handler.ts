import { type Logger, nullLogger } from '@skein/core';
import type { KubeObject } from '../k8s/types.js';
import { checkTapServiceName, tapInjectPod } from '../tap/tap-injection.js';
import type { AdmissionResponse } from './admission-review.js';
import type { AdmissionHandler, NamespaceLookup } from './injector-handler.js';

/** Options of {@link createTapInjectorAdmissionHandler}. */
export interface TapInjectorHandlerOptions {
  /** The tap service's identity, written into `LINKERD2_PROXY_TAP_SVC_NAME`. */
  readonly tapServiceName: string;
  /** Namespace of the control plane whose pods get tap. */
  readonly controlPlaneNamespace: string;
  /** Namespace lookup for `viz.linkerd.io/disable-tap` on the namespace. */
  readonly getNamespace: NamespaceLookup;
  /** Logger; quiet by default. */
  readonly logger?: Logger;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The tap injector's admission logic (Linkerd viz's `tap/injector`), registered after the proxy
 * injector so it sees the pod with its proxy: CREATE of a pod gets the {@link tapInjectPod} patch;
 * anything else is admitted unchanged. Unlike the proxy injector, a namespace lookup that fails
 * admits the pod untouched with a warning: a pod that cannot be tapped is better than a pod that
 * cannot be created.
 *
 * @throws {ConfigError} when `tapServiceName` is not a DNS name.
 */
export function createTapInjectorAdmissionHandler(options: TapInjectorHandlerOptions): AdmissionHandler {
  const tapServiceName = checkTapServiceName(options.tapServiceName);
  const { controlPlaneNamespace, getNamespace } = options;
  const logger = options.logger ?? nullLogger;
  return async (request) => {
    const object = request.object;
    if (request.operation !== 'CREATE' || request.kind.kind !== 'Pod' || !isRecord(object)) {
      return { uid: request.uid, allowed: true };
    }
    const pod = object as KubeObject;
    const namespace = request.namespace ?? pod.metadata?.namespace ?? '';
    const name = pod.metadata?.name || pod.metadata?.generateName;
    let namespaceAnnotations: Readonly<Record<string, string>> | undefined;
    try {
      namespaceAnnotations = (await getNamespace(namespace))?.metadata?.annotations;
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : String(cause);
      logger.error({ err: cause, namespace, name }, 'tap injection skipped: namespace lookup failed');
      return {
        uid: request.uid,
        allowed: true,
        warnings: [`tap not enabled: cannot read namespace ${namespace}: ${message}`],
      };
    }
    const result = tapInjectPod(pod, {
      tapServiceName,
      controlPlaneNamespace,
      ...(namespaceAnnotations === undefined ? {} : { namespaceAnnotations }),
    });
    if (result.outcome === 'skipped') {
      logger.debug({ namespace, name, reason: result.reason }, 'tap injection skipped');
      return { uid: request.uid, allowed: true };
    }
    logger.info({ namespace, name }, 'tap enabled');
    const response: AdmissionResponse = {
      uid: request.uid,
      allowed: true,
      patchType: 'JSONPatch',
      patch: Buffer.from(JSON.stringify(result.patch)).toString('base64'),
    };
    return response;
  };
}
