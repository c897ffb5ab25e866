import { ConfigError } from '@skein/core';
import { asObject, checkKeys } from '../static/yaml-fields.js';

/** A Kubernetes label selector (`matchLabels`, `matchExpressions`). */
export interface LabelSelectorSpec {
  /** Labels that must equal these values. */
  readonly matchLabels?: Readonly<Record<string, string>>;
  /** Expressions that must all hold. */
  readonly matchExpressions?: readonly {
    readonly key: string;
    readonly operator: string;
    readonly values?: string[];
  }[];
}

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/** Reads a label selector, or a ConfigError naming `where`. */
export function parseLabelSelector(value: unknown, where: string): LabelSelectorSpec {
  const o = asObject(value, where);
  checkKeys(o, ['matchLabels', 'matchExpressions'], where);
  const out: {
    matchLabels?: Record<string, string>;
    matchExpressions?: LabelSelectorSpec['matchExpressions'];
  } = {};
  if (o.matchLabels !== undefined && o.matchLabels !== null) {
    const labels = asObject(o.matchLabels, `${where}.matchLabels`);
    const kept: Record<string, string> = {};
    for (const [k, v] of Object.entries(labels)) {
      if (typeof v !== 'string') throw new ConfigError(`${where}.matchLabels.${k}`, String(v), 'a string');
      kept[k] = v;
    }
    out.matchLabels = kept;
  }
  if (o.matchExpressions !== undefined && o.matchExpressions !== null) {
    if (!Array.isArray(o.matchExpressions)) {
      throw new ConfigError(`${where}.matchExpressions`, JSON.stringify(o.matchExpressions), 'a list');
    }
    out.matchExpressions = o.matchExpressions.map((e, i) => {
      const at = `${where}.matchExpressions[${i}]`;
      const x = asObject(e, at);
      if (typeof x.key !== 'string' || x.key === '')
        throw new ConfigError(`${at}.key`, String(x.key), 'a label key');
      if (typeof x.operator !== 'string' || !OPERATORS.includes(x.operator)) {
        throw new ConfigError(`${at}.operator`, String(x.operator), `one of ${OPERATORS.join(', ')}`);
      }
      const values = x.values ?? [];
      if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) {
        throw new ConfigError(`${at}.values`, JSON.stringify(values), 'a list of strings');
      }
      return { key: x.key, operator: x.operator, values: values as string[] };
    });
  }
  return out;
}
