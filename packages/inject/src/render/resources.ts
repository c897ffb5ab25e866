import type { ProxyResourcesValues } from '../values/types.js';

/**
 * The `resources` block of the proxy (and init) container, or undefined when no request or
 * limit is set. Quantities are written as configured; Kubernetes stores them canonically.
 */
export function renderResources(r: ProxyResourcesValues): Record<string, Record<string, string>> | undefined {
  const limits: Record<string, string> = {};
  const requests: Record<string, string> = {};
  for (const key of ['cpu', 'memory', 'ephemeral-storage'] as const) {
    if (r[key].limit !== '') limits[key] = r[key].limit;
    if (r[key].request !== '') requests[key] = r[key].request;
  }
  const out: Record<string, Record<string, string>> = {};
  if (Object.keys(limits).length > 0) out.limits = limits;
  if (Object.keys(requests).length > 0) out.requests = requests;
  return Object.keys(out).length > 0 ? out : undefined;
}
