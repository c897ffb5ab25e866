/** The longest DNS name in text form, without the trailing dot (RFC 1035 §2.3.4). */
export const MAX_DNS_NAME_LENGTH = 253;

const LABEL = /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/i;

/**
 * Why `name` is not a valid DNS name, or undefined when it is. A trailing dot is allowed; each
 * label is 1–63 letters, digits, `-` or `_` (not starting or ending with `-`); the whole name is
 * at most 253 characters; and the last label is not all digits (so `10.0.0.256` is refused rather
 * than taken for a name).
 */
export function dnsNameProblem(name: string): string | undefined {
  const bare = name.endsWith('.') ? name.slice(0, -1) : name;
  if (bare === '') return 'the name is empty';
  if (bare.length > MAX_DNS_NAME_LENGTH) {
    return `the name is ${bare.length} characters long (at most ${MAX_DNS_NAME_LENGTH})`;
  }
  const labels = bare.split('.');
  for (const label of labels) {
    if (!LABEL.test(label)) {
      return label === ''
        ? 'the name has an empty label'
        : `label ${JSON.stringify(label)} must be 1–63 letters, digits, '-' or '_' and not start or end with '-'`;
    }
  }
  if (/^\d+$/.test(labels[labels.length - 1]!)) return 'the last label is all digits';
  return undefined;
}

/** True when `name` is a valid DNS name (see {@link dnsNameProblem}). */
export function isDnsName(name: string): boolean {
  return dnsNameProblem(name) === undefined;
}
