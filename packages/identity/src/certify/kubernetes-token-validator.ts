import type { AuthenticationV1Api, KubeConfig, V1TokenReview } from '@kubernetes/client-node';
import {
  subjectFromUsername,
  TokenRejectedError,
  type TokenSubject,
  type TokenValidator,
  tokenText,
} from './token-validator.js';

/** The audience Linkerd's identity asks TokenReview for. */
export const IDENTITY_TOKEN_AUDIENCE = 'identity.l5d.io';

/** Options of {@link KubernetesTokenValidator}. */
export interface KubernetesTokenValidatorOptions {
  /** Audiences to review for. Default: `['identity.l5d.io']`. */
  audiences?: string[];
}

/**
 * Validates tokens with the Kubernetes TokenReview API, as Linkerd does: review for audience
 * `identity.l5d.io`; when the answer is an audience error (a legacy token without that
 * audience), review again without audiences. A `status.error` is `invalid`, an unauthenticated
 * token `unauthenticated`, a failed API call `unavailable`.
 *
 * @example
 * ```ts
 * const kc = new KubeConfig();
 * kc.loadFromCluster();
 * const validator = new KubernetesTokenValidator(kc);
 * const { namespace, serviceAccount } = await validator.validate(tokenBytes);
 * ```
 */
export class KubernetesTokenValidator implements TokenValidator {
  readonly #kubeConfig: KubeConfig;
  readonly #audiences: string[];
  #api: Promise<AuthenticationV1Api> | undefined;

  constructor(kubeConfig: KubeConfig, options: KubernetesTokenValidatorOptions = {}) {
    this.#kubeConfig = kubeConfig;
    this.#audiences = options.audiences ?? [IDENTITY_TOKEN_AUDIENCE];
  }

  // The Kubernetes client is loaded on first use, not when this package is imported: a proxy
  // that imports @skein/identity for its certificate client never loads it (~3.7 MB of code).
  #client(): Promise<AuthenticationV1Api> {
    this.#api ??= import('@kubernetes/client-node').then((k8s) =>
      this.#kubeConfig.makeApiClient(k8s.AuthenticationV1Api),
    );
    return this.#api;
  }

  /** Reviews the token; see the class description for the outcomes. */
  async validate(token: Uint8Array): Promise<TokenSubject> {
    const text = tokenText(token);
    if (text === '') throw new TokenRejectedError('invalid', 'token: empty');
    let status = (await this.#review(text, this.#audiences)).status;
    if (status?.error !== undefined && status.error !== '' && /audience/i.test(status.error)) {
      status = (await this.#review(text, undefined)).status;
    }
    if (status?.error !== undefined && status.error !== '') {
      throw new TokenRejectedError('invalid', `TokenReview failed: ${status.error}`);
    }
    if (status?.authenticated !== true) {
      throw new TokenRejectedError('unauthenticated', 'TokenReview: the token is not authenticated');
    }
    return subjectFromUsername(status.user?.username ?? '');
  }

  async #review(token: string, audiences: string[] | undefined): Promise<V1TokenReview> {
    try {
      const api = await this.#client();
      return await api.createTokenReview({
        body: {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenReview',
          spec: { token, ...(audiences === undefined ? {} : { audiences }) },
        },
      });
    } catch (err) {
      throw new TokenRejectedError('unavailable', `TokenReview request failed: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
}
