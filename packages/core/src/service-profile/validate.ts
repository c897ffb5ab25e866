import { parseGoDuration } from './go-duration.js';
import { parseQuantity } from './quantity.js';
import { ServiceProfileError } from './service-profile-error.js';
import type { ProfileRequestMatch, ProfileResponseMatch, ServiceProfile } from './types.js';

type Obj = Record<string, unknown>;

const ROOT_FIELDS = ['apiVersion', 'kind', 'metadata', 'spec'];
const META_FIELDS = [
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
];
const SPEC_FIELDS = ['routes', 'retryBudget', 'dstOverrides', 'opaquePorts'];
const ROUTE_FIELDS = ['name', 'condition', 'responseClasses', 'isRetryable', 'timeout'];
const REQUEST_MATCH_FIELDS = ['all', 'not', 'any', 'pathRegex', 'method'];
const RESPONSE_CLASS_FIELDS = ['condition', 'isFailure'];
const RESPONSE_MATCH_FIELDS = ['all', 'not', 'any', 'status'];
const RANGE_FIELDS = ['min', 'max'];
const BUDGET_FIELDS = ['retryRatio', 'minRetriesPerSecond', 'ttl'];
const DST_FIELDS = ['authority', 'weight'];
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'string' ? `the string ${JSON.stringify(v)}` : `${typeof v} ${JSON.stringify(v)}`;
}

/** Checks that `v` is an object whose keys are all in `fields` (Go's strict decoding). */
function object(v: unknown, path: string, fields: readonly string[]): Obj {
  if (!isObj(v)) throw new ServiceProfileError(path, `expected an object, got ${describe(v)}`);
  for (const key of Object.keys(v)) {
    if (!fields.includes(key)) {
      throw new ServiceProfileError(`${path}.${key}`, `unknown field; expected one of ${fields.join(', ')}`);
    }
  }
  return v;
}

function optionalString(o: Obj, key: string, path: string): string {
  const v = o[key];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string')
    throw new ServiceProfileError(`${path}.${key}`, `expected a string, got ${describe(v)}`);
  return v;
}

function optionalBool(o: Obj, key: string, path: string): void {
  const v = o[key];
  if (v !== undefined && v !== null && typeof v !== 'boolean') {
    throw new ServiceProfileError(`${path}.${key}`, `expected true or false, got ${describe(v)}`);
  }
}

function optionalNumber(o: Obj, key: string, path: string, integer: boolean): number {
  const v = o[key];
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isFinite(v) || (integer && (!Number.isInteger(v) || v < 0))) {
    const form = integer ? 'a non-negative integer' : 'a number';
    throw new ServiceProfileError(`${path}.${key}`, `expected ${form}, got ${describe(v)}`);
  }
  return v;
}

/** Returns the array at `o[key]` (absent or null → undefined), refusing other types. */
function optionalArray(o: Obj, key: string, path: string): unknown[] | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v))
    throw new ServiceProfileError(`${path}.${key}`, `expected an array, got ${describe(v)}`);
  return v;
}

function validateRequestMatch(v: unknown, path: string): void {
  const m = object(v, path, REQUEST_MATCH_FIELDS) as Obj & ProfileRequestMatch;
  let set = false;
  for (const kind of ['all', 'any'] as const) {
    const children = optionalArray(m, kind, path);
    if (children === undefined) continue;
    set = true;
    children.forEach((child, i) => {
      if (child === null)
        throw new ServiceProfileError(`${path}.${kind}[${i}]`, `"${kind}" contains a null match`);
      validateRequestMatch(child, `${path}.${kind}[${i}]`);
    });
  }
  if (optionalString(m, 'method', path) !== '') set = true;
  const regex = optionalString(m, 'pathRegex', path);
  if (regex !== '') {
    set = true;
    validatePathRegex(regex, `${path}.pathRegex`);
  }
  if (m.not !== undefined && m.not !== null) {
    set = true;
    validateRequestMatch(m.not, `${path}.not`);
  }
  if (!set)
    throw new ServiceProfileError(path, 'a request match must set one of all, any, not, pathRegex, method');
}

/**
 * Linkerd compiles `pathRegex` with a linear-time engine (RE2 syntax): no backreferences and no
 * lookaround. Refusing them here keeps every accepted regex runnable by a linear-time engine (the
 * proxy falls back to one on excessive backtracking), so a profile cannot freeze a proxy.
 */
function validatePathRegex(regex: string, path: string): void {
  const unsupported = /\\[1-9]|\\k<|\(\?<?[=!]/.exec(regex);
  if (unsupported !== null) {
    throw new ServiceProfileError(
      path,
      `"${regex}" uses ${unsupported[0].startsWith('(') ? 'lookaround' : 'a backreference'} (${unsupported[0]}): expected RE2 syntax, which has neither`,
    );
  }
  try {
    new RegExp(regex);
  } catch (err) {
    throw new ServiceProfileError(
      path,
      `"${regex}" is not a valid regular expression: ${(err as Error).message}`,
    );
  }
}

function validateStatus(v: unknown, path: string): void {
  const r = object(v, path, RANGE_FIELDS);
  const min = optionalNumber(r, 'min', path, true);
  const max = optionalNumber(r, 'max', path, true);
  if (min !== 0 && (min < 100 || min > 599)) {
    throw new ServiceProfileError(
      `${path}.min`,
      `range minimum must be between 100 and 599, inclusive; got ${min}`,
    );
  }
  if (max !== 0 && (max < 100 || max > 599)) {
    throw new ServiceProfileError(
      `${path}.max`,
      `range maximum must be between 100 and 599, inclusive; got ${max}`,
    );
  }
  if (max !== 0 && min !== 0 && max < min) {
    throw new ServiceProfileError(path, `range maximum (${max}) cannot be smaller than minimum (${min})`);
  }
}

function validateResponseMatch(v: unknown, path: string): void {
  const m = object(v, path, RESPONSE_MATCH_FIELDS) as Obj & ProfileResponseMatch;
  let set = false;
  for (const kind of ['all', 'any'] as const) {
    const children = optionalArray(m, kind, path);
    if (children === undefined) continue;
    set = true;
    children.forEach((child, i) => {
      if (child === null)
        throw new ServiceProfileError(`${path}.${kind}[${i}]`, `"${kind}" contains a null match`);
      validateResponseMatch(child, `${path}.${kind}[${i}]`);
    });
  }
  if (m.status !== undefined && m.status !== null) {
    set = true;
    validateStatus(m.status, `${path}.status`);
  }
  if (m.not !== undefined && m.not !== null) {
    set = true;
    validateResponseMatch(m.not, `${path}.not`);
  }
  if (!set) throw new ServiceProfileError(path, 'a response match must set one of all, any, not, status');
}

function validateRoute(v: unknown, path: string): void {
  if (v === null) throw new ServiceProfileError(path, 'the route is null');
  const route = object(v, path, ROUTE_FIELDS);
  if (optionalString(route, 'name', path) === '')
    throw new ServiceProfileError(`${path}.name`, 'the route has no name');
  const timeout = optionalString(route, 'timeout', path);
  if (timeout !== '') {
    try {
      parseGoDuration(timeout, `${path}.timeout`);
    } catch (cause) {
      throw new ServiceProfileError(`${path}.timeout`, (cause as Error).message, { cause });
    }
  }
  optionalBool(route, 'isRetryable', path);
  if (route.condition === undefined || route.condition === null) {
    throw new ServiceProfileError(`${path}.condition`, 'the route has no condition');
  }
  validateRequestMatch(route.condition, `${path}.condition`);
  optionalArray(route, 'responseClasses', path)?.forEach((rc, i) => {
    const rcPath = `${path}.responseClasses[${i}]`;
    if (rc === null) throw new ServiceProfileError(rcPath, 'the response class is null');
    const cls = object(rc, rcPath, RESPONSE_CLASS_FIELDS);
    optionalBool(cls, 'isFailure', rcPath);
    if (cls.condition === undefined || cls.condition === null) {
      throw new ServiceProfileError(`${rcPath}.condition`, 'the response class has no condition');
    }
    validateResponseMatch(cls.condition, `${rcPath}.condition`);
  });
}

function validateRetryBudget(v: unknown, path: string): void {
  const rb = object(v, path, BUDGET_FIELDS);
  const ratio = optionalNumber(rb, 'retryRatio', path, false);
  if (ratio < 0) throw new ServiceProfileError(`${path}.retryRatio`, `must be non-negative, got ${ratio}`);
  optionalNumber(rb, 'minRetriesPerSecond', path, true);
  const ttl = optionalString(rb, 'ttl', path);
  if (ttl === '') throw new ServiceProfileError(`${path}.ttl`, 'missing; expected a Go duration such as 10s');
  try {
    parseGoDuration(ttl, `${path}.ttl`);
  } catch (cause) {
    throw new ServiceProfileError(`${path}.ttl`, (cause as Error).message, { cause });
  }
}

function validateDstOverride(v: unknown, path: string): void {
  const dst = object(v, path, DST_FIELDS);
  optionalString(dst, 'authority', path);
  const weight = dst.weight;
  if (weight === undefined || weight === null) return;
  if (typeof weight !== 'string' && typeof weight !== 'number') {
    throw new ServiceProfileError(`${path}.weight`, `expected a quantity, got ${describe(weight)}`);
  }
  try {
    parseQuantity(weight, `${path}.weight`);
  } catch (cause) {
    throw new ServiceProfileError(`${path}.weight`, (cause as Error).message, { cause });
  }
}

/**
 * Validates a ServiceProfile with the rules of Linkerd's sp-validator: no unknown fields, a
 * DNS-1123 name, named routes with a valid timeout and a condition, matches with at least one
 * field set and no null items, response classes with a condition, statuses in 100–599 with
 * max ≥ min, and a retry budget with a non-negative ratio and a valid `ttl`.
 *
 * @returns the same object, typed.
 * @throws {ServiceProfileError} naming the first offending field.
 */
export function validateServiceProfile(input: unknown): ServiceProfile {
  const root = object(input, 'ServiceProfile', ROOT_FIELDS);
  optionalString(root, 'apiVersion', 'ServiceProfile');
  optionalString(root, 'kind', 'ServiceProfile');
  const meta =
    root.metadata === undefined || root.metadata === null
      ? {}
      : object(root.metadata, 'metadata', META_FIELDS);
  const name = optionalString(meta, 'name', 'metadata');
  if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
    throw new ServiceProfileError(
      'metadata.name',
      `${JSON.stringify(name)} is not a DNS-1123 subdomain: expected lower-case letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters`,
    );
  }
  const spec = root.spec === undefined || root.spec === null ? {} : object(root.spec, 'spec', SPEC_FIELDS);
  optionalArray(spec, 'routes', 'spec')?.forEach((route, i) => {
    validateRoute(route, `spec.routes[${i}]`);
  });
  if (spec.retryBudget !== undefined && spec.retryBudget !== null)
    validateRetryBudget(spec.retryBudget, 'spec.retryBudget');
  optionalArray(spec, 'dstOverrides', 'spec')?.forEach((dst, i) => {
    validateDstOverride(dst, `spec.dstOverrides[${i}]`);
  });
  optionalArray(spec, 'opaquePorts', 'spec')?.forEach((port, i) => {
    if (typeof port !== 'string' && typeof port !== 'number') {
      throw new ServiceProfileError(`spec.opaquePorts[${i}]`, `expected a port, got ${describe(port)}`);
    }
  });
  return root as unknown as ServiceProfile;
}
