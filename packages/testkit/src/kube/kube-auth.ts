import type { AccessAttributes, AccessDecision, AccessRule, AccessRules } from './access-rules.js';
import {
  serviceAccountUser,
  type TokenRegistry,
  type TokenReviewStatus,
  type TokenUser,
} from './token-registry.js';

/** Options of a registered token. */
export interface TokenOptions {
  /** Audiences the token is valid for; none means a legacy token, valid only for the API server's audiences. */
  audiences?: string[];
  /** After this the token no longer authenticates. */
  expiresAt?: Date;
}

/** A service account token to register. */
export interface ServiceAccountTokenOptions extends TokenOptions {
  namespace: string;
  name: string;
  /** The pod the token is bound to (reported in `user.extra`, as projected tokens are). */
  pod?: { name: string; uid: string };
}

/**
 * Authentication and authorization for tests: which bearer tokens exist (for the server's own
 * auth and for TokenReview) and which access rules SubjectAccessReview applies.
 */
export class KubeAuth {
  readonly #tokens: TokenRegistry;
  readonly #rules: AccessRules;

  constructor(tokens: TokenRegistry, rules: AccessRules) {
    this.#tokens = tokens;
    this.#rules = rules;
  }

  /** The API server's own audiences. */
  get apiAudiences(): readonly string[] {
    return this.#tokens.apiAudiences;
  }

  /** Registers a token for any user. */
  addToken(token: string, user: TokenUser, options: TokenOptions = {}): void {
    this.#tokens.add(token, { user, audiences: options.audiences ?? [], ...this.#expiry(options) });
  }

  /**
   * Registers a service account token: it authenticates as `system:serviceaccount:<ns>:<name>`
   * with the service account groups, and the review reports the account's uid when the
   * ServiceAccount object exists.
   */
  addServiceAccountToken(token: string, options: ServiceAccountTokenOptions): void {
    const extra =
      options.pod === undefined
        ? undefined
        : {
            'authentication.kubernetes.io/pod-name': [options.pod.name],
            'authentication.kubernetes.io/pod-uid': [options.pod.uid],
          };
    this.#tokens.add(token, {
      user: serviceAccountUser(options.namespace, options.name, extra),
      audiences: options.audiences ?? [],
      serviceAccount: { namespace: options.namespace, name: options.name },
      ...this.#expiry(options),
    });
  }

  /** Forgets a token; returns whether it was registered. */
  removeToken(token: string): boolean {
    return this.#tokens.remove(token);
  }

  /** What a TokenReview of `token` for `audiences` answers. */
  review(token: string, audiences: string[] = []): TokenReviewStatus {
    return this.#tokens.review(token, audiences);
  }

  /** Adds an allow rule for SubjectAccessReview (and for requests, with `enforceAccessRules`). */
  allow(rule: AccessRule): void {
    this.#rules.allow(rule);
  }

  /** Adds a deny rule; deny rules win. */
  deny(rule: AccessRule): void {
    this.#rules.deny(rule);
  }

  /** Removes every access rule. */
  clearRules(): void {
    this.#rules.clear();
  }

  /** What an access review of `attributes` answers. */
  decide(attributes: AccessAttributes): AccessDecision {
    return this.#rules.decide(attributes);
  }

  #expiry(options: TokenOptions): { expiresAt?: Date } {
    return options.expiresAt === undefined ? {} : { expiresAt: options.expiresAt };
  }
}
