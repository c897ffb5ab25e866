import * as k8s from '@kubernetes/client-node';
import type { KubeObject } from '../../src/render/kube-types.js';

type AttributeMap = { name: string; baseName: string; type: string }[];
type ModelClass = { getAttributeTypeMap(): AttributeMap };

const models = k8s as unknown as Record<string, ModelClass | undefined>;

/** The @kubernetes/client-node model name of an apiVersion/kind (`apps/v1` Deployment → `V1Deployment`). */
function modelName(apiVersion: string, kind: string): string {
  const version = apiVersion.split('/').at(-1)!;
  return `${version.charAt(0).toUpperCase()}${version.slice(1)}${kind}`;
}

/**
 * Walks `value` against the typed models of @kubernetes/client-node and lists every field the
 * Kubernetes API does not define (what `kubectl apply --validate=strict` would reject).
 */
export function unknownFields(value: unknown, type: string, path: string, out: string[] = []): string[] {
  if (value === null || value === undefined) return out;
  const array = /^Array<(.+)>$/.exec(type);
  if (array !== null) {
    if (Array.isArray(value)) {
      value.forEach((v, i) => {
        unknownFields(v, array[1]!, `${path}[${i}]`, out);
      });
    }
    return out;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map !== null) {
    if (typeof value === 'object') {
      for (const [k, v] of Object.entries(value as object)) unknownFields(v, map[1]!, `${path}.${k}`, out);
    }
    return out;
  }
  const model = models[type];
  if (model === undefined || typeof model.getAttributeTypeMap !== 'function') return out;
  if (typeof value !== 'object' || Array.isArray(value)) {
    out.push(`${path}: expected an object (${type})`);
    return out;
  }
  const attributes = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  for (const [key, v] of Object.entries(value as object)) {
    const t = attributes.get(key);
    if (t === undefined) out.push(`${path}.${key}: not a field of ${type}`);
    else unknownFields(v, t, `${path}.${key}`, out);
  }
  return out;
}

/**
 * Validates an object against the Kubernetes OpenAPI schema (kubernetes-models' `validate()`)
 * and for unknown fields (@kubernetes/client-node models). Returns the problems, empty if valid.
 */
export async function validateObject(object: KubeObject): Promise<string[]> {
  const apiVersion = object.apiVersion ?? '';
  const kind = object.kind ?? '';
  const where = `${kind}/${object.metadata?.name ?? ''}`;
  const problems: string[] = [];
  const modulePath = `kubernetes-models/${apiVersion}`;
  const mod = (await import(modulePath)) as Record<string, new (data: unknown) => { validate(): void }>;
  const Model = mod[kind];
  if (Model === undefined) return [`${where}: kubernetes-models has no ${apiVersion} ${kind}`];
  try {
    new Model(object).validate();
  } catch (err) {
    problems.push(`${where}: ${(err as Error).message}`);
  }
  for (const p of unknownFields(object, modelName(apiVersion, kind), where)) problems.push(p);
  return problems;
}

/** Validates every object; returns all problems. */
export async function validateObjects(objects: readonly KubeObject[]): Promise<string[]> {
  const problems: string[] = [];
  for (const o of objects) problems.push(...(await validateObject(o)));
  return problems;
}
