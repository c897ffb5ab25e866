import { DestinationError, DestinationStatus } from '../discovery-error.js';

/** The workload a proxy names in `PortSpec.workload` (`LINKERD2_PROXY_POLICY_WORKLOAD`). */
export interface Workload {
  /** Its namespace. */
  readonly namespace: string;
  /** A pod, or an ExternalWorkload (`{"ns":…,"external_workload":…}`). */
  readonly kind: 'pod' | 'externalWorkload';
  /** The pod's (or external workload's) name. */
  readonly name: string;
}

function invalid(text: string): DestinationError {
  return new DestinationError(
    DestinationStatus.InvalidArgument,
    `Invalid workload: ${text} (expected {"ns":"<namespace>","pod":"<pod>"} or <namespace>:<pod>)`,
  );
}

/**
 * Parses a workload as Linkerd's policy controller does: the injector's JSON
 * `{"ns":"emojivoto","pod":"web-0"}` (or `"external_workload"` instead of `"pod"`), or the
 * `emojivoto:web-0` form of Linkerd's tests.
 *
 * @throws {DestinationError} `InvalidArgument` naming the text.
 */
export function parseWorkload(text: string): Workload {
  const t = typeof text === 'string' ? text.trim() : '';
  if (t.startsWith('{')) {
    let value: unknown;
    try {
      value = JSON.parse(t);
    } catch {
      throw invalid(t);
    }
    const o = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
    const ns = o.ns;
    if (typeof ns !== 'string' || ns === '') throw invalid(t);
    if (typeof o.pod === 'string' && o.pod !== '' && o.external_workload === undefined) {
      return { namespace: ns, kind: 'pod', name: o.pod };
    }
    if (typeof o.external_workload === 'string' && o.external_workload !== '' && o.pod === undefined) {
      return { namespace: ns, kind: 'externalWorkload', name: o.external_workload };
    }
    throw invalid(t);
  }
  const colon = t.indexOf(':');
  if (colon <= 0 || colon === t.length - 1) throw invalid(t);
  return { namespace: t.slice(0, colon), kind: 'pod', name: t.slice(colon + 1) };
}

/** The `ns:pod` form of a workload, as a key and in messages. */
export function workloadKey(w: Workload): string {
  return w.kind === 'pod' ? `${w.namespace}:${w.name}` : `${w.namespace}:external:${w.name}`;
}
