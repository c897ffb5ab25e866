/** What a SubjectAccessReview asks: who, and which resource or path with which verb. */
export interface AccessAttributes {
  user: string;
  groups: string[];
  verb: string;
  /** API group of the resource (`''` for core). */
  apiGroup?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  /** Set for non-resource requests (`/healthz`). */
  path?: string;
}

/**
 * A rule the test registers. Every field left out matches anything; `'*'` also matches anything.
 * `groups` matches when the user is in any of them.
 */
export interface AccessRule {
  user?: string;
  groups?: string[];
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  subresource?: string;
  namespaces?: string[];
  names?: string[];
  paths?: string[];
  /** Reported as `status.reason`. */
  reason?: string;
}

/** The answer of an access review, shaped like `SubjectAccessReview.status`. */
export interface AccessDecision {
  allowed: boolean;
  denied?: boolean;
  reason: string;
}

function anyOf(list: string[] | undefined, value: string | undefined): boolean {
  if (list === undefined || list.includes('*')) return true;
  return value !== undefined && list.includes(value);
}

function matches(rule: AccessRule, a: AccessAttributes): boolean {
  if (rule.user !== undefined && rule.user !== '*' && rule.user !== a.user) return false;
  if (rule.groups !== undefined && !rule.groups.some((g) => g === '*' || a.groups.includes(g))) return false;
  if (!anyOf(rule.verbs, a.verb)) return false;
  if (a.path !== undefined) return rule.paths !== undefined && anyOf(rule.paths, a.path);
  if (rule.paths !== undefined) return false;
  return (
    anyOf(rule.apiGroups, a.apiGroup ?? '') &&
    anyOf(rule.resources, a.resource) &&
    (rule.subresource === undefined || rule.subresource === (a.subresource ?? '')) &&
    anyOf(rule.namespaces, a.namespace ?? '') &&
    anyOf(rule.names, a.name ?? '')
  );
}

/**
 * Allow and deny rules for SubjectAccessReview (and, when enabled, for the server's own
 * requests). Deny rules win over allow rules; no match is "not allowed, no opinion", as RBAC
 * answers. Members of `system:masters` are always allowed.
 */
export class AccessRules {
  readonly #allow: AccessRule[] = [];
  readonly #deny: AccessRule[] = [];

  /** Adds an allow rule. */
  allow(rule: AccessRule): void {
    this.#allow.push(rule);
  }

  /** Adds a deny rule. */
  deny(rule: AccessRule): void {
    this.#deny.push(rule);
  }

  /** Removes every rule. */
  clear(): void {
    this.#allow.length = 0;
    this.#deny.length = 0;
  }

  /** Decides a request. */
  decide(a: AccessAttributes): AccessDecision {
    if (a.groups.includes('system:masters')) return { allowed: true, reason: 'user is in system:masters' };
    const denied = this.#deny.find((r) => matches(r, a));
    if (denied !== undefined)
      return { allowed: false, denied: true, reason: denied.reason ?? 'denied by a test rule' };
    const allowed = this.#allow.find((r) => matches(r, a));
    if (allowed !== undefined) return { allowed: true, reason: allowed.reason ?? 'allowed by a test rule' };
    return { allowed: false, reason: '' };
  }
}
