import { badRequest } from './status.js';

/** One parsed label requirement. */
export type LabelRequirement =
  | { op: 'exists' | 'notexists'; key: string }
  | { op: 'eq' | 'neq'; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: string[] };

/** A compiled label selector: all requirements must hold. */
export type LabelSelector = readonly LabelRequirement[];

const keyPattern = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const valuePattern = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

function checkKey(key: string, text: string): string {
  if (!keyPattern.test(key) || key.length > 316)
    throw badRequest(
      `unable to parse requirement: invalid label key "${key}" in selector ${JSON.stringify(text)}`,
    );
  return key;
}

function checkValue(value: string, text: string): string {
  if (!valuePattern.test(value) || value.length > 63)
    throw badRequest(
      `unable to parse requirement: invalid label value "${value}" in selector ${JSON.stringify(text)}: must be 63 characters or less and consist of alphanumerics, '-', '_' or '.'`,
    );
  return value;
}

// Splits on commas that are not inside the parentheses of an `in (...)` set.
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      terms.push(text.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  return terms.map((t) => t.trim());
}

function parseTerm(term: string, text: string): LabelRequirement {
  const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
  if (set !== null) {
    const values = set[3]!.split(',').map((v) => checkValue(v.trim(), text));
    return { op: set[2] as 'in' | 'notin', key: checkKey(set[1]!, text), values };
  }
  if (term.startsWith('!')) return { op: 'notexists', key: checkKey(term.slice(1).trim(), text) };
  const cmp = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
  if (cmp !== null) {
    const key = checkKey(cmp[1]!, text);
    const value = checkValue(cmp[3]!.trim(), text);
    return cmp[2] === '!=' ? { op: 'neq', key, value } : { op: 'eq', key, value };
  }
  if (/^\S+$/.test(term)) return { op: 'exists', key: checkKey(term, text) };
  throw badRequest(
    `unable to parse requirement: cannot parse ${JSON.stringify(term)} in selector ${JSON.stringify(text)}`,
  );
}

/**
 * Parses a label selector string (`a=b,c!=d,e in (x,y),f notin (z),g,!h`); a bad selector is a
 * 400 BadRequest naming the term. The empty string selects everything.
 */
export function parseLabelSelector(text: string): LabelSelector {
  if (text.trim() === '') return [];
  return splitTerms(text).map((term) => {
    if (term === '')
      throw badRequest(`unable to parse requirement: empty term in selector ${JSON.stringify(text)}`);
    return parseTerm(term, text);
  });
}

/** Whether labels satisfy every requirement. */
export function matchesLabels(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  for (const r of selector) {
    const has = labels !== undefined && Object.hasOwn(labels, r.key);
    const value = has ? labels[r.key] : undefined;
    switch (r.op) {
      case 'exists':
        if (!has) return false;
        break;
      case 'notexists':
        if (has) return false;
        break;
      case 'eq':
        if (value !== r.value) return false;
        break;
      case 'neq':
        if (value === r.value) return false;
        break;
      case 'in':
        if (value === undefined || !r.values.includes(value)) return false;
        break;
      case 'notin':
        if (value !== undefined && r.values.includes(value)) return false;
        break;
    }
  }
  return true;
}

/**
 * Compiles a `metav1.LabelSelector` object (`matchLabels`, `matchExpressions` with In, NotIn,
 * Exists, DoesNotExist), as webhooks' namespaceSelector and objectSelector use. An empty or
 * missing selector selects everything.
 */
export function labelSelectorFromObject(selector: unknown): LabelSelector {
  if (typeof selector !== 'object' || selector === null) return [];
  const { matchLabels, matchExpressions } = selector as { matchLabels?: unknown; matchExpressions?: unknown };
  const out: LabelRequirement[] = [];
  if (typeof matchLabels === 'object' && matchLabels !== null) {
    for (const [key, value] of Object.entries(matchLabels)) out.push({ op: 'eq', key, value: String(value) });
  }
  for (const e of Array.isArray(matchExpressions) ? matchExpressions : []) {
    const { key, operator, values } = e as { key?: unknown; operator?: unknown; values?: unknown };
    const k = String(key ?? '');
    const vs = Array.isArray(values) ? values.map(String) : [];
    if (operator === 'In') out.push({ op: 'in', key: k, values: vs });
    else if (operator === 'NotIn') out.push({ op: 'notin', key: k, values: vs });
    else if (operator === 'Exists') out.push({ op: 'exists', key: k });
    else if (operator === 'DoesNotExist') out.push({ op: 'notexists', key: k });
    else
      throw badRequest(
        `invalid label selector operator ${JSON.stringify(operator)}: expected In, NotIn, Exists or DoesNotExist`,
      );
  }
  return out;
}
