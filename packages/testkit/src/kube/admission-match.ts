import { isJsonObject, type KubeObject } from './kube-object.js';
import { labelSelectorFromObject, matchesLabels } from './label-selector.js';
import type { ResourceType } from './resource-type.js';

/** The admission operations this server sends. */
export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE';

/** What a request is, for matching webhook rules. */
export interface AdmissionTarget {
  operation: AdmissionOperation;
  type: ResourceType;
  version: string;
  subresource: string | undefined;
  /** The namespace object's labels, for namespaceSelector (undefined for cluster-scoped kinds). */
  namespaceLabels: Record<string, string> | undefined;
  object: KubeObject | undefined;
  oldObject: KubeObject | undefined;
}

function listMatches(list: unknown, value: string): boolean {
  if (!Array.isArray(list)) return false;
  return list.includes('*') || list.includes(value);
}

function resourceMatches(patterns: unknown, plural: string, subresource: string | undefined): boolean {
  if (!Array.isArray(patterns)) return false;
  for (const p of patterns) {
    if (typeof p !== 'string') continue;
    const [res = '', sub] = p.split('/');
    if (subresource === undefined) {
      if (sub === undefined && (res === '*' || res === plural)) return true;
    } else if (sub !== undefined && (res === '*' || res === plural) && (sub === '*' || sub === subresource)) {
      return true;
    }
  }
  return false;
}

function ruleMatches(rule: Record<string, unknown>, t: AdmissionTarget): boolean {
  const scope = rule.scope ?? '*';
  if (scope === 'Cluster' && t.type.namespaced) return false;
  if (scope === 'Namespaced' && !t.type.namespaced) return false;
  return (
    listMatches(rule.operations, t.operation) &&
    listMatches(rule.apiGroups, t.type.group) &&
    listMatches(rule.apiVersions, t.version) &&
    resourceMatches(rule.resources, t.type.plural, t.subresource)
  );
}

function labelsOf(obj: KubeObject | undefined): Record<string, string> {
  return obj?.metadata?.labels ?? {};
}

/**
 * Whether a webhook (one entry of a Mutating/ValidatingWebhookConfiguration) applies: one rule
 * matches the operation, group, version, resource and scope; the namespaceSelector matches the
 * namespace's labels (a Namespace's own labels; other cluster-scoped kinds always pass); the
 * objectSelector matches the new or the old object's labels.
 */
export function webhookApplies(webhook: Record<string, unknown>, t: AdmissionTarget): boolean {
  const rules = Array.isArray(webhook.rules) ? webhook.rules.filter(isJsonObject) : [];
  if (!rules.some((r) => ruleMatches(r, t))) return false;
  const isNamespace = t.type.group === '' && t.type.plural === 'namespaces';
  const nsLabels = isNamespace ? labelsOf(t.object ?? t.oldObject) : t.namespaceLabels;
  if (nsLabels !== undefined && !matchesLabels(labelSelectorFromObject(webhook.namespaceSelector), nsLabels))
    return false;
  const objectSelector = labelSelectorFromObject(webhook.objectSelector);
  return (
    objectSelector.length === 0 ||
    matchesLabels(objectSelector, labelsOf(t.object)) ||
    (t.oldObject !== undefined && matchesLabels(objectSelector, labelsOf(t.oldObject)))
  );
}
