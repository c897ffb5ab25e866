import { ConfigError } from '@skein/core';
import { TokenRejectedError, type TokenSubject, type TokenValidator, tokenText } from './token-validator.js';

/**
 * Accepts a fixed set of tokens, each bound to a service account: for the local mesh, where
 * there is no Kubernetes API. Unknown tokens are `unauthenticated`.
 *
 * @example
 * ```ts
 * const validator = StaticTokenValidator.parse('web-token emojivoto/web\n', 'tokens.txt');
 * await validator.validate(Buffer.from('web-token')); // { namespace: 'emojivoto', serviceAccount: 'web' }
 * ```
 */
export class StaticTokenValidator implements TokenValidator {
  readonly #tokens: ReadonlyMap<string, TokenSubject>;

  constructor(tokens: ReadonlyMap<string, TokenSubject> | Record<string, TokenSubject>) {
    this.#tokens = tokens instanceof Map ? new Map(tokens) : new Map(Object.entries(tokens));
  }

  /**
   * Reads a token file: one `<token> <namespace>/<serviceaccount>` per line; blank lines and
   * lines starting with `#` are skipped.
   * @throws `ConfigError` naming the line that is malformed.
   */
  static parse(text: string, source = 'static tokens'): StaticTokenValidator {
    const tokens = new Map<string, TokenSubject>();
    text.split('\n').forEach((raw, i) => {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) return;
      const match = /^(\S+)\s+([a-z0-9][-a-z0-9]*)\/([a-z0-9][-a-z0-9.]*)$/.exec(line);
      if (match === null) {
        throw new ConfigError(`${source} line ${i + 1}`, line, '"<token> <namespace>/<serviceaccount>"');
      }
      tokens.set(match[1] ?? '', { namespace: match[2] ?? '', serviceAccount: match[3] ?? '' });
    });
    return new StaticTokenValidator(tokens);
  }

  /** Looks the token up. */
  async validate(token: Uint8Array): Promise<TokenSubject> {
    const subject = this.#tokens.get(tokenText(token));
    if (subject === undefined)
      throw new TokenRejectedError('unauthenticated', 'token: not a known local-mesh token');
    return subject;
  }
}
