import { type FieldSelector, matchesFields, parseFieldSelector } from './field-selector.js';
import type { StoredObject } from './kube-object.js';
import { type LabelSelector, matchesLabels, parseLabelSelector } from './label-selector.js';
import type { ObjectStore } from './object-store.js';
import { type ResourceType, storageKey } from './resource-type.js';
import { badRequest, resourceVersionTooLarge } from './status.js';

/** The selection a list or watch asks for. */
export interface Selection {
  labels: LabelSelector;
  fields: FieldSelector;
  /** Only this namespace (a namespaced URL), or all. */
  namespace?: string;
}

/** Parses `labelSelector` and `fieldSelector` of a request. */
export function parseSelection(params: URLSearchParams, type: ResourceType, namespace?: string): Selection {
  return {
    labels: parseLabelSelector(params.get('labelSelector') ?? ''),
    fields: parseFieldSelector(params.get('fieldSelector') ?? '', type),
    ...(namespace === undefined ? {} : { namespace }),
  };
}

/** Whether an object is in the selection. */
export function selects(selection: Selection, obj: StoredObject): boolean {
  if (selection.namespace !== undefined && obj.metadata.namespace !== selection.namespace) return false;
  return matchesLabels(selection.labels, obj.metadata.labels) && matchesFields(selection.fields, obj);
}

/** One page of a list. */
export interface ListPage {
  items: StoredObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

interface ContinueToken {
  rv: number;
  start: string;
}

function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: token.rv, start: token.start })).toString(
    'base64url',
  );
}

function decodeContinue(text: string): ContinueToken {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null) {
      const { rv, start } = parsed as { rv?: unknown; start?: unknown };
      if (typeof rv === 'number' && typeof start === 'string') return { rv, start };
    }
  } catch {
    // reported below
  }
  throw badRequest(`continue key is not valid: ${JSON.stringify(text)} was not issued by this server`);
}

function parseRv(text: string): number {
  if (!/^\d+$/.test(text))
    throw badRequest(`resourceVersion: Invalid value: ${JSON.stringify(text)}: must be an integer`);
  return Number(text);
}

const tooOldContinue =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.';

/**
 * Serves a list with the real resourceVersion semantics: unset → most recent; `0` → any (limit
 * ignored, as when served from the watch cache); N with `resourceVersionMatch=Exact` (or with a
 * limit) → the state at N, 410 Expired if compacted; N newer than the store → 504; paging with
 * `limit`/`continue` over one consistent snapshot.
 */
export function listPage(
  store: ObjectStore,
  type: ResourceType,
  selection: Selection,
  params: URLSearchParams,
): ListPage {
  const cont = params.get('continue') ?? '';
  const rvText = params.get('resourceVersion') ?? '';
  const match = params.get('resourceVersionMatch') ?? '';
  const limitText = params.get('limit') ?? '';
  let limit = limitText === '' ? 0 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 0)
    throw badRequest(`limit: Invalid value: ${JSON.stringify(limitText)}: must be a non-negative integer`);
  if (match !== '' && rvText === '')
    throw badRequest(
      'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided',
    );
  if (match !== '' && match !== 'Exact' && match !== 'NotOlderThan')
    throw badRequest(
      `resourceVersionMatch: Unsupported value: ${JSON.stringify(match)}: supported values: "Exact", "NotOlderThan"`,
    );
  let snapshotRv = store.resourceVersion;
  let start = '';
  if (cont !== '') {
    if (rvText !== '' && rvText !== '0')
      throw badRequest('specifying resource version is not allowed when using continue');
    const token = decodeContinue(cont);
    snapshotRv = token.rv;
    start = token.start;
  } else if (rvText === '0') {
    limit = 0;
  } else if (rvText !== '') {
    const rv = parseRv(rvText);
    if (rv > store.resourceVersion) throw resourceVersionTooLarge(rv, store.resourceVersion);
    if (match === 'Exact' || (match === '' && limit > 0)) snapshotRv = rv;
  }
  const all = store.at(
    storageKey(type),
    selection.namespace,
    snapshotRv,
    cont !== ''
      ? tooOldContinue
      : `too old resource version: ${snapshotRv} (${store.compactedResourceVersion})`,
  );
  const selected: StoredObject[] = [];
  for (const obj of all) {
    if (start !== '' && `${obj.metadata.namespace ?? ''}/${obj.metadata.name}` <= start) continue;
    if (selects(selection, obj)) selected.push(obj);
  }
  const rv = String(snapshotRv);
  if (limit === 0 || selected.length <= limit) return { items: selected, resourceVersion: rv };
  const page = selected.slice(0, limit);
  const last = page[page.length - 1]!;
  const unfiltered = selection.labels.length === 0 && selection.fields.length === 0;
  return {
    items: page,
    resourceVersion: rv,
    continue: encodeContinue({
      rv: snapshotRv,
      start: `${last.metadata.namespace ?? ''}/${last.metadata.name}`,
    }),
    ...(unfiltered ? { remainingItemCount: selected.length - limit } : {}),
  };
}
