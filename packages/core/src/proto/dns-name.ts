const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * Whether `name` is a valid DNS host name: dot-separated labels of 1–63 letters, digits and
 * hyphens that neither start nor end with a hyphen, at most 253 characters, with an optional
 * trailing dot (`web.emojivoto.svc.cluster.local.`).
 */
export function isValidDnsName(name: string): boolean {
  if (typeof name !== 'string') return false;
  const bare = name.endsWith('.') ? name.slice(0, -1) : name;
  if (bare.length === 0 || bare.length > 253) return false;
  for (const label of bare.split('.')) {
    if (!LABEL.test(label)) return false;
  }
  return true;
}
