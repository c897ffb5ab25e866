import type { WorkloadTemplate } from './workload.js';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringMapProblem(v: unknown, path: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isRecord(v)) return `${path} must be a map of strings`;
  for (const [k, x] of Object.entries(v)) if (typeof x !== 'string') return `${path}.${k} must be a string`;
  return undefined;
}

function listProblem(v: unknown, path: string, named: boolean): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) return `${path} must be a list`;
  for (let i = 0; i < v.length; i++) {
    const item: unknown = v[i];
    if (!isRecord(item)) return `${path}[${i}] must be an object`;
    if (named && typeof item.name !== 'string') return `${path}[${i}].name must be a string`;
    for (const field of ['ports', 'env', 'volumeMounts']) {
      const list = item[field];
      if (list !== undefined && list !== null && (!Array.isArray(list) || !list.every(isRecord))) {
        return `${path}[${i}].${field} must be a list of objects`;
      }
    }
  }
  return undefined;
}

/**
 * What makes a pod template unusable for injection (a field of the wrong type), or undefined.
 * The API server would refuse such an object; the injector reports it instead of failing.
 */
export function podTemplateProblem(workload: WorkloadTemplate): string | undefined {
  const template = workload.template!;
  const at = workload.prefix === '' ? '' : `${workload.prefix.slice(1).replaceAll('/', '.')}.`;
  const meta: unknown = template.metadata;
  if (meta !== undefined && meta !== null) {
    if (!isRecord(meta)) return `${at}metadata must be an object`;
    const problem =
      stringMapProblem(meta.annotations, `${at}metadata.annotations`) ??
      stringMapProblem(meta.labels, `${at}metadata.labels`);
    if (problem !== undefined) return problem;
    if (
      meta.ownerReferences !== undefined &&
      meta.ownerReferences !== null &&
      !Array.isArray(meta.ownerReferences)
    ) {
      return `${at}metadata.ownerReferences must be a list`;
    }
  }
  const spec = template.spec as Record<string, unknown>;
  for (const field of ['hostNetwork', 'automountServiceAccountToken']) {
    if (spec[field] !== undefined && spec[field] !== null && typeof spec[field] !== 'boolean') {
      return `${at}spec.${field} must be true or false`;
    }
  }
  return (
    listProblem(spec.containers, `${at}spec.containers`, true) ??
    listProblem(spec.initContainers, `${at}spec.initContainers`, true) ??
    listProblem(spec.volumes, `${at}spec.volumes`, false)
  );
}
