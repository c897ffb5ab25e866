/** An OpenAPI v3 schema of a CRD version (structural, as Kubernetes requires). */
export type Schema = Record<string, unknown>;

/** A string. */
export const str = (extra: Schema = {}): Schema => ({ type: 'string', ...extra });
/** An integer. */
export const int = (extra: Schema = {}): Schema => ({ type: 'integer', format: 'int32', ...extra });
/** A boolean. */
export const bool = (): Schema => ({ type: 'boolean' });
/** A list of `items`. */
export const list = (items: Schema, extra: Schema = {}): Schema => ({ type: 'array', items, ...extra });
/** An object with `properties`; `required` names the mandatory ones. */
export const object = (
  properties: Record<string, Schema>,
  required: string[] = [],
  extra: Schema = {},
): Schema => ({
  type: 'object',
  properties,
  ...(required.length > 0 ? { required } : {}),
  ...extra,
});
/** A map of strings. */
export const stringMap = (): Schema => ({ type: 'object', additionalProperties: { type: 'string' } });
/** An integer or a string (a port number or name, a quantity). */
export const intOrString = (): Schema => ({ 'x-kubernetes-int-or-string': true });
/** An object whose content is not validated by the API server (checked by a webhook instead). */
export const open = (): Schema => ({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true });

/** A Kubernetes label selector. */
export const labelSelector = (): Schema =>
  object({
    matchLabels: stringMap(),
    matchExpressions: list(
      object(
        {
          key: str(),
          operator: str({ enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'] }),
          values: list(str()),
        },
        ['key', 'operator'],
      ),
    ),
  });

/** A reference to another resource by group, kind and name (Gateway API style). */
export const targetRef = (): Schema =>
  object({ group: str(), kind: str(), name: str(), namespace: str() }, ['kind', 'name']);
