/** What a proxy says about itself in `GetDestination.context_token`. */
export interface ClientContext {
  /** The client pod's namespace ('' when unknown). */
  readonly namespace: string;
  /** The node the client runs on ('' when unknown). */
  readonly nodeName: string;
  /** The client pod's name ('' when unknown). */
  readonly pod: string;
}

/** The context of a client that sent no (or an unreadable) token. */
export const EMPTY_CLIENT_CONTEXT: ClientContext = Object.freeze({ namespace: '', nodeName: '', pod: '' });

/**
 * Parses a context token as Linkerd's destination service does: JSON `{"ns","nodeName","pod"}`
 * (the injector's `LINKERD2_PROXY_DESTINATION_CONTEXT`), or the legacy `ns:<namespace>` form.
 * Anything else is read as an empty context: the token is advisory, never a reason to fail.
 */
export function parseContextToken(token: string | undefined | null): ClientContext {
  if (typeof token !== 'string' || token.trim() === '') return EMPTY_CLIENT_CONTEXT;
  const text = token.trim();
  if (text.startsWith('{')) {
    try {
      const value: unknown = JSON.parse(text);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        const o = value as Record<string, unknown>;
        return {
          namespace: typeof o.ns === 'string' ? o.ns : '',
          nodeName: typeof o.nodeName === 'string' ? o.nodeName : '',
          pod: typeof o.pod === 'string' ? o.pod : '',
        };
      }
    } catch {
      // fall through to the legacy form
    }
    return EMPTY_CLIENT_CONTEXT;
  }
  if (text.startsWith('ns:') && text.length > 3) {
    return { namespace: text.slice(3), nodeName: '', pod: '' };
  }
  return EMPTY_CLIENT_CONTEXT;
}
