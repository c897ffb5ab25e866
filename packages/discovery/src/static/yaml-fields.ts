import { ConfigError, isDnsName } from '@skein/core';

/** A mapping field of a discovery file, or a ConfigError naming `where`. */
export function asObject(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(where, JSON.stringify(value) ?? String(value), 'a mapping');
  }
  return value as Record<string, unknown>;
}

/** Refuses keys of `o` outside `allowed`, naming the first unknown one. */
export function checkKeys(o: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k))
      throw new ConfigError(`${where}.${k}`, k, `one of the fields ${allowed.join(', ')}`);
  }
}

/** A metric-label mapping: Prometheus label names, scalar values (kept as strings). */
export function asLabels(value: unknown, where: string): Record<string, string> {
  const o = asObject(value, where);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(k))
      throw new ConfigError(`${where}.${k}`, k, 'a label name [a-zA-Z_][a-zA-Z0-9_]*');
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw new ConfigError(`${where}.${k}`, JSON.stringify(v), 'a string');
    }
    out[k] = String(v);
  }
  return out;
}

/** A port number 1–65535. */
export function asPort(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
    throw new ConfigError(where, String(value), 'a port number 1-65535');
  }
  return value;
}

/** A DNS-1123 label (Kubernetes object names and namespaces). */
export function asName(value: unknown, where: string): string {
  if (typeof value !== 'string' || !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(value)) {
    throw new ConfigError(
      where,
      String(value),
      'a DNS-1123 label: lower-case letters, digits and -, at most 63',
    );
  }
  return value;
}

/** A DNS name. */
export function asDnsName(value: unknown, where: string): string {
  if (typeof value !== 'string' || !isDnsName(value))
    throw new ConfigError(where, String(value), 'a DNS name');
  return value.toLowerCase().replace(/\.$/, '');
}

/** A boolean. */
export function asBool(value: unknown, where: string): boolean {
  if (typeof value !== 'boolean') throw new ConfigError(where, String(value), 'true or false');
  return value;
}
