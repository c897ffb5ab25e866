/**
 * One change to a discovered endpoint set, as a resolver emits it. A resolver's stream of
 * updates, applied in order, gives the current set.
 *
 * - `reset`: the set is exactly `endpoints` (sent first, and after a reconnect).
 * - `add`: these endpoints join the set or replace the ones with the same key.
 * - `remove`: the endpoints with these keys leave the set.
 * - `doesNotExist`: the name does not exist; the set is empty and a caller may fall back.
 */
export type EndpointUpdate<D> =
  | { readonly type: 'reset'; readonly endpoints: readonly D[] }
  | { readonly type: 'add'; readonly endpoints: readonly D[] }
  | { readonly type: 'remove'; readonly keys: readonly string[] }
  | { readonly type: 'doesNotExist' };

/**
 * Applies one update to a map of endpoints keyed by `key`, in place, and reports whether the
 * name exists afterwards. Useful for anything that keeps the current set (balancers, caches).
 */
export function applyEndpointUpdate<D>(
  set: Map<string, D>,
  update: EndpointUpdate<D>,
  key: (endpoint: D) => string,
): { exists: boolean } {
  switch (update.type) {
    case 'reset':
      set.clear();
      for (const e of update.endpoints) set.set(key(e), e);
      return { exists: true };
    case 'add':
      for (const e of update.endpoints) set.set(key(e), e);
      return { exists: true };
    case 'remove':
      for (const k of update.keys) set.delete(k);
      return { exists: true };
    case 'doesNotExist':
      set.clear();
      return { exists: false };
  }
}
