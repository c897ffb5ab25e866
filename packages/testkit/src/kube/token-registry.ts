import { ConfigError } from '@skein/core';

/** Who a bearer token authenticates as. */
export interface TokenUser {
  username: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

/** A registered token: its user, the audiences it is valid for, and when it expires. */
export interface TokenRecord {
  user: TokenUser;
  /** Audiences the token was issued for; empty means a legacy token, valid for the API server's audiences. */
  audiences: string[];
  expiresAt?: Date;
  /** For service account tokens: the account, so the review reports its current uid. */
  serviceAccount?: { namespace: string; name: string };
}

/** The result of authenticating a token for some audiences, shaped like `TokenReview.status`. */
export interface TokenReviewStatus {
  authenticated: boolean;
  user: TokenUser | Record<string, never>;
  audiences?: string[];
  error?: string;
}

// Go's %q of a []string: ["a" "b"].
function goQuoted(list: readonly string[]): string {
  return `[${list.map((s) => JSON.stringify(s)).join(' ')}]`;
}

/**
 * Tokens the server accepts, for its own bearer authentication and for TokenReview. Reviews
 * follow the real service account authenticator: a legacy token (no audiences) is valid for
 * the server's audiences only; the answer's audiences are the intersection; a mismatch is an
 * error string worded as Kubernetes words it.
 */
export class TokenRegistry {
  readonly #tokens = new Map<string, TokenRecord>();
  readonly #apiAudiences: string[];
  readonly #serviceAccountUid: (namespace: string, name: string) => string | undefined;

  constructor(
    apiAudiences: string[],
    serviceAccountUid: (namespace: string, name: string) => string | undefined,
  ) {
    this.#apiAudiences = apiAudiences;
    this.#serviceAccountUid = serviceAccountUid;
  }

  /** The audiences of the API server itself (the default for reviews without audiences). */
  get apiAudiences(): readonly string[] {
    return this.#apiAudiences;
  }

  /** Registers (or replaces) a token. */
  add(token: string, record: TokenRecord): void {
    if (token === '' || /\s/.test(token))
      throw new ConfigError('token', token, 'a non-empty string without whitespace');
    this.#tokens.set(token, record);
  }

  /** Forgets a token; returns whether it was known. */
  remove(token: string): boolean {
    return this.#tokens.delete(token);
  }

  /** Reviews a token for `audiences` (the API server's when empty). */
  review(token: string, audiences: readonly string[] = [], now = new Date()): TokenReviewStatus {
    const record = this.#tokens.get(token);
    if (record === undefined) return { authenticated: false, user: {} };
    const requested = audiences.length === 0 ? this.#apiAudiences : audiences;
    const tokenAudiences = record.audiences.length === 0 ? this.#apiAudiences : record.audiences;
    const granted = tokenAudiences.filter((a) => requested.includes(a));
    if (granted.length === 0) {
      return {
        authenticated: false,
        user: {},
        error: `[invalid bearer token, token audiences ${goQuoted(tokenAudiences)} is invalid for the target audiences ${goQuoted(requested)}]`,
      };
    }
    if (record.expiresAt !== undefined && record.expiresAt.getTime() <= now.getTime()) {
      return {
        authenticated: false,
        user: {},
        error: '[invalid bearer token, service account token has expired]',
      };
    }
    const user: TokenUser = { ...record.user };
    if (record.serviceAccount !== undefined) {
      const uid = this.#serviceAccountUid(record.serviceAccount.namespace, record.serviceAccount.name);
      if (uid !== undefined) user.uid = uid;
    }
    return { authenticated: true, user, audiences: granted };
  }
}

/** The user a service account token authenticates as (`system:serviceaccount:<ns>:<name>`). */
export function serviceAccountUser(
  namespace: string,
  name: string,
  extra?: Record<string, string[]>,
): TokenUser {
  return {
    username: `system:serviceaccount:${namespace}:${name}`,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
    ...(extra === undefined ? {} : { extra }),
  };
}
