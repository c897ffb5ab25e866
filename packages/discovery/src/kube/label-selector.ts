import type { V1LabelSelector } from '@kubernetes/client-node';

/**
 * Whether `labels` match a Kubernetes label selector (`matchLabels` and `matchExpressions` with
 * In, NotIn, Exists, DoesNotExist). An empty selector matches everything; an unknown operator
 * matches nothing.
 */
export function matchesSelector(
  selector: V1LabelSelector | undefined,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  if (selector === undefined) return true;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const expr of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(l, expr.key);
    const values = expr.values ?? [];
    switch (expr.operator) {
      case 'In':
        if (!has || !values.includes(l[expr.key]!)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(l[expr.key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
