/**
 * Header names tap drops unless told otherwise: credentials and session tokens
 * (`authorization`, `proxy-authorization`, `cookie`, `set-cookie`). The aggregator applies it
 * by default, so every front end (`skein-tap`, the controller's `/api/tap`) hides the same
 * headers; `skein-tap --ignore-headers` replaces it.
 */
export const DEFAULT_TAP_IGNORED_HEADERS: readonly string[] = Object.freeze([
  'authorization',
  'cookie',
  'proxy-authorization',
  'set-cookie',
]);
