import { randomBytes } from 'node:crypto';
import type { ResourceType } from './resource-type.js';

const subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const label1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const label1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Checks an object name by the rule Kubernetes applies to its kind; returns the validation
 * message (without the field) or undefined when the name is fine.
 */
export function nameProblem(type: ResourceType, name: string): string | undefined {
  const shown = `Invalid value: ${JSON.stringify(name)}`;
  if (type.group === 'rbac.authorization.k8s.io') {
    if (name === '.' || name === '..' || /[/%]/.test(name))
      return `${shown}: may not be '.' or '..' and may not contain '/' or '%'`;
    return undefined;
  }
  if (type.group === '' && type.plural === 'namespaces') {
    if (name.length > 63 || !label1123.test(name))
      return `${shown}: a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`;
    return undefined;
  }
  if (type.group === '' && type.plural === 'services') {
    if (name.length > 63 || !label1035.test(name))
      return `${shown}: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`;
    return undefined;
  }
  if (name.length > 253 || !subdomain.test(name))
    return `${shown}: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`;
  return undefined;
}

// The alphabet Kubernetes' name generator draws from (no vowels, no look-alike digits).
const alphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** `generateName` plus five random characters, as the API server names generated objects. */
export function generatedName(prefix: string): string {
  const bytes = randomBytes(5);
  let suffix = '';
  for (const b of bytes) suffix += alphabet[b % alphabet.length];
  return `${prefix.slice(0, 58)}${suffix}`;
}

/** An RFC 3339 timestamp with second precision, as Kubernetes writes `creationTimestamp`. */
export function kubeTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
