import { InvalidQueryError } from '../errors.js';

/** Whether a pod's labels satisfy a label selector. */
export type LabelSelectorPredicate = (labels: Readonly<Record<string, string>>) => boolean;

/**
 * Compiles a Kubernetes equality/set label selector (`app=web,tier!=cache,env in (a,b),!beta,x`)
 * into a predicate.
 * @throws {@link InvalidQueryError} naming the part that is not a requirement.
 */
export function compileLabelSelector(selector: string | undefined): LabelSelectorPredicate {
  if (selector === undefined || selector.trim() === '') return () => true;
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of selector) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  const reqs = parts.map((p) => requirement(p.trim(), selector));
  return (labels) => reqs.every((r) => r(labels));
}

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?$/;

function requirement(part: string, whole: string): LabelSelectorPredicate {
  let m = /^(\S+?)\s*(==|!=|=)\s*(\S*)$/.exec(part);
  if (m !== null && NAME.test(m[1]!)) {
    const [, key, op, value] = m as unknown as [string, string, string, string];
    return op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value;
  }
  m = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
  if (m !== null && NAME.test(m[1]!)) {
    const key = m[1]!;
    const values = new Set(m[3]!.split(',').map((v) => v.trim()));
    return m[2] === 'in' ? (l) => values.has(l[key] ?? '\u0000') : (l) => !values.has(l[key] ?? '\u0000');
  }
  if (part.startsWith('!') && NAME.test(part.slice(1))) {
    const key = part.slice(1);
    return (l) => !(key in l);
  }
  if (NAME.test(part)) return (l) => part in l;
  throw new InvalidQueryError(
    'labelSelector',
    whole,
    'a Kubernetes label selector such as app=web,tier!=cache',
  );
}
