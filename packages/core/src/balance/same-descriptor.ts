/**
 * Whether two endpoint descriptors describe the same endpoint: structural equality over plain
 * data (primitives, arrays, plain objects; key order does not matter; other objects only by
 * identity). Resolvers rebuild their
 * descriptors on every message — and send a full set again after each reconnect — so an
 * unchanged endpoint must be recognised by value, or it would be torn down and rebuilt, failing
 * requests in flight on it.
 */
export function sameDescriptor(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    // NaN is the one primitive not equal to itself.
    return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameDescriptor(a[i], b[i])) return false;
    return true;
  }
  // Anything but a plain object (a Map, a class instance) is only equal to itself.
  const proto = Object.getPrototypeOf(a);
  if (
    Array.isArray(b) ||
    (proto !== Object.prototype && proto !== null) ||
    proto !== Object.getPrototypeOf(b)
  ) {
    return false;
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const rb = b as Record<string, unknown>;
  const ra = a as Record<string, unknown>;
  for (const k of ka) {
    if (!Object.hasOwn(rb, k) || !sameDescriptor(ra[k], rb[k])) return false;
  }
  return true;
}
