import { ConfigError, type ServiceProfile, validateServiceProfile } from '@skein/core';

/**
 * Parses the `profiles` section: ServiceProfile objects as written for Kubernetes (validated with
 * Linkerd's sp-validator rules). A profile without a namespace gets the one in its name
 * (`web.emojivoto.svc.cluster.local` → `emojivoto`), else `default`.
 */
export function parseStaticProfiles(value: unknown, where: string): ServiceProfile[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ConfigError(where, JSON.stringify(value), 'a list of ServiceProfiles');
  const seen = new Set<string>();
  return value.map((v, i) => {
    const at = `${where}[${i}]`;
    let sp: ServiceProfile;
    try {
      sp = validateServiceProfile(v);
    } catch (err) {
      throw new ConfigError(at, JSON.stringify(v)?.slice(0, 80) ?? String(v), (err as Error).message, {
        cause: err,
      });
    }
    const name = sp.metadata.name ?? '';
    const namespace = sp.metadata.namespace ?? /^[^.]+\.([^.]+)\.svc\./.exec(name)?.[1] ?? 'default';
    if (seen.has(`${namespace}/${name}`)) {
      throw new ConfigError(
        `${at}.metadata.name`,
        name,
        `a profile not already listed in namespace ${namespace}`,
      );
    }
    seen.add(`${namespace}/${name}`);
    return { ...sp, metadata: { ...sp.metadata, name, namespace } };
  });
}
