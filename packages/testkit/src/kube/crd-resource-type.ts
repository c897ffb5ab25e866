import { isJsonObject, type KubeObject } from './kube-object.js';
import type { ResourceType } from './resource-type.js';
import { invalid, type KubeApiError } from './status.js';
import { compareVersionPriority } from './version-priority.js';

interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  statusSubresource: boolean;
  selectableFields: string[];
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function readVersions(spec: Record<string, unknown>): CrdVersion[] {
  const versions = Array.isArray(spec.versions) ? spec.versions : [];
  return versions.filter(isJsonObject).map((v) => {
    const subresources = isJsonObject(v.subresources) ? v.subresources : {};
    const fields = Array.isArray(v.selectableFields) ? v.selectableFields : [];
    return {
      name: str(v.name) ?? '',
      served: v.served !== false,
      storage: v.storage === true,
      statusSubresource: isJsonObject(subresources.status),
      selectableFields: fields
        .filter(isJsonObject)
        .map((f) => str(f.jsonPath)?.replace(/^\./, ''))
        .filter((f): f is string => f !== undefined),
    };
  });
}

/**
 * Checks a CustomResourceDefinition the way the apiextensions validation does for the fields
 * this server relies on; returns a 422 Invalid error naming every bad field, or undefined.
 */
export function validateCrd(crd: KubeObject): KubeApiError | undefined {
  const name = crd.metadata?.name ?? '';
  const spec = isJsonObject(crd.spec) ? crd.spec : {};
  const names = isJsonObject(spec.names) ? spec.names : {};
  const causes: Array<{ field: string; message: string; reason?: string }> = [];
  const group = str(spec.group);
  const plural = str(names.plural);
  if (group === undefined)
    causes.push({ field: 'spec.group', message: 'Required value', reason: 'FieldValueRequired' });
  else if (!group.includes('.'))
    causes.push({
      field: 'spec.group',
      message: `Invalid value: "${group}": should be a domain with at least one dot`,
    });
  if (plural === undefined)
    causes.push({ field: 'spec.names.plural', message: 'Required value', reason: 'FieldValueRequired' });
  if (str(names.kind) === undefined)
    causes.push({ field: 'spec.names.kind', message: 'Required value', reason: 'FieldValueRequired' });
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster')
    causes.push({
      field: 'spec.scope',
      message: `Unsupported value: ${JSON.stringify(spec.scope ?? '')}: supported values: "Cluster", "Namespaced"`,
      reason: 'FieldValueNotSupported',
    });
  if (group !== undefined && plural !== undefined && name !== `${plural}.${group}`)
    causes.push({
      field: 'metadata.name',
      message: `Invalid value: "${name}": must be spec.names.plural+"."+spec.group`,
    });
  const versions = readVersions(spec);
  if (versions.length === 0)
    causes.push({
      field: 'spec.versions',
      message: 'Invalid value: must have exactly one version marked as storage version',
    });
  else if (versions.filter((v) => v.storage).length !== 1)
    causes.push({
      field: 'spec.versions',
      message: 'Invalid value: must have exactly one version marked as storage version',
    });
  versions.forEach((v, i) => {
    if (!/^v\d+((alpha|beta)\d+)?$/.test(v.name) && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(v.name))
      causes.push({
        field: `spec.versions[${i}].name`,
        message: `Invalid value: "${v.name}": must be a DNS-1035 label`,
      });
  });
  return causes.length === 0
    ? undefined
    : invalid('CustomResourceDefinition', 'apiextensions.k8s.io', name, causes);
}

/** The resource type a valid CRD defines (its served versions only; undefined when none is served). */
export function crdResourceType(crd: KubeObject): ResourceType | undefined {
  const spec = isJsonObject(crd.spec) ? crd.spec : {};
  const names = isJsonObject(spec.names) ? spec.names : {};
  const versions = readVersions(spec).filter((v) => v.served);
  if (versions.length === 0) return undefined;
  const storage = versions.find((v) => v.storage) ?? versions[0]!;
  const kind = str(names.kind) ?? '';
  const shortNames = Array.isArray(names.shortNames)
    ? names.shortNames.filter((s) => typeof s === 'string')
    : [];
  return {
    group: str(spec.group) ?? '',
    versions: versions.map((v) => v.name).sort(compareVersionPriority),
    plural: str(names.plural) ?? '',
    singular: str(names.singular) ?? kind.toLowerCase(),
    kind,
    namespaced: spec.scope === 'Namespaced',
    statusSubresource: storage.statusSubresource,
    ...(shortNames.length === 0 ? {} : { shortNames }),
    selectableFields: storage.selectableFields,
    custom: true,
  };
}

/** The status the apiextensions controllers give an accepted CRD: names accepted, established. */
export function establishedCrdStatus(crd: KubeObject, now: string): Record<string, unknown> {
  const spec = isJsonObject(crd.spec) ? crd.spec : {};
  const storage = readVersions(spec).find((v) => v.storage);
  const condition = (type: string, reason: string, message: string) => ({
    type,
    status: 'True',
    lastTransitionTime: now,
    reason,
    message,
  });
  return {
    conditions: [
      condition('NamesAccepted', 'NoConflicts', 'no conflicts found'),
      condition('Established', 'InitialNamesAccepted', 'the initial names have been accepted'),
    ],
    acceptedNames: isJsonObject(spec.names) ? spec.names : {},
    storedVersions: storage === undefined ? [] : [storage.name],
  };
}
