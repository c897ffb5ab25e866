import { SkeinError } from '@skein/core';

/** One cause inside a Status' `details.causes`, as Kubernetes reports field errors. */
export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** The `details` of a Kubernetes `Status`. */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** A `meta.k8s.io/v1` `Status` object, the body of every error the API server answers. */
export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, string>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** The error code of {@link KubeApiError}. */
export const KUBE_API_ERROR_CODE = 'ERR_SKEIN_KUBE_API';

/**
 * An API request failed the way Kubernetes fails it: `status` is the `Status` object the server
 * answers with (code, reason, message, details). The in-process store throws it too.
 */
export class KubeApiError extends SkeinError {
  /** The Status body sent to the client. */
  readonly status: KubeStatus;

  constructor(code: number, reason: string, message: string, details?: StatusDetails) {
    super(KUBE_API_ERROR_CODE, message);
    this.status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      ...(details === undefined ? {} : { details }),
      code,
    };
  }

  /** The HTTP status code (404, 409, 410, 422, …). */
  get httpCode(): number {
    return this.status.code;
  }
}

/** What an error is about: the resource (plural, with group) and the object name. */
export interface Subject {
  group: string;
  resource: string;
  name?: string;
}

/** `pods` or `deployments.apps`, as Kubernetes writes a group-resource in messages. */
export function qualifiedResource(group: string, resource: string): string {
  return group === '' ? resource : `${resource}.${group}`;
}

function details(subject: Subject): StatusDetails {
  return {
    ...(subject.name === undefined ? {} : { name: subject.name }),
    ...(subject.group === '' ? {} : { group: subject.group }),
    kind: subject.resource,
  };
}

/** 404 NotFound for an object that does not exist. */
export function notFound(subject: Subject & { name: string }): KubeApiError {
  const what = qualifiedResource(subject.group, subject.resource);
  return new KubeApiError(404, 'NotFound', `${what} "${subject.name}" not found`, details(subject));
}

/** 404 NotFound for a path the server does not serve. */
export function pathNotFound(): KubeApiError {
  return new KubeApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}

/** 409 AlreadyExists on create. */
export function alreadyExists(subject: Subject & { name: string }): KubeApiError {
  const what = qualifiedResource(subject.group, subject.resource);
  return new KubeApiError(409, 'AlreadyExists', `${what} "${subject.name}" already exists`, details(subject));
}

/** 409 Conflict for a stale resourceVersion or a failed precondition. */
export function conflict(subject: Subject & { name: string }, why: string): KubeApiError {
  const what = qualifiedResource(subject.group, subject.resource);
  return new KubeApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${what} "${subject.name}": ${why}`,
    details(subject),
  );
}

/** The message of a Conflict for a stale resourceVersion, word for word as Kubernetes sends it. */
export const STALE_OBJECT_MESSAGE =
  'the object has been modified; please apply your changes to the latest version and try again';

/** 422 Invalid with one cause per field error. `kind` is the object's Kind, as Kubernetes reports it. */
export function invalid(
  kind: string,
  group: string,
  name: string,
  causes: Array<{ field: string; message: string; reason?: string }>,
): KubeApiError {
  const list = causes.map((c) => `${c.field}: ${c.message}`).join(', ');
  const joined = causes.length > 1 ? `[${list}]` : list;
  return new KubeApiError(422, 'Invalid', `${kind} "${name}" is invalid: ${joined}`, {
    name,
    ...(group === '' ? {} : { group }),
    kind,
    causes: causes.map((c) => ({
      reason: c.reason ?? 'FieldValueInvalid',
      message: c.message,
      field: c.field,
    })),
  });
}

/** 400 BadRequest. */
export function badRequest(message: string): KubeApiError {
  return new KubeApiError(400, 'BadRequest', message);
}

/** 410 Gone (reason Expired) for a resourceVersion older than the retained history. */
export function expired(message: string): KubeApiError {
  return new KubeApiError(410, 'Expired', message);
}

/** 405 MethodNotAllowed. */
export function methodNotAllowed(): KubeApiError {
  return new KubeApiError(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
  );
}

/** 415 UnsupportedMediaType, naming the media types that are accepted. */
export function unsupportedMediaType(seen: string, accepted: readonly string[]): KubeApiError {
  return new KubeApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format (Content-Type: ${JSON.stringify(seen)}) - accepted media types include: ${accepted.join(', ')}`,
  );
}

/** 406 NotAcceptable. */
export function notAcceptable(seen: string): KubeApiError {
  return new KubeApiError(
    406,
    'NotAcceptable',
    `only the following media types are accepted: application/json (Accept: ${JSON.stringify(seen)})`,
  );
}

/** 401 Unauthorized. */
export function unauthorized(): KubeApiError {
  return new KubeApiError(401, 'Unauthorized', 'Unauthorized');
}

/** 403 Forbidden, with the message the RBAC authorizer gives. */
export function forbidden(subject: Subject, message: string): KubeApiError {
  return new KubeApiError(403, 'Forbidden', message, details(subject));
}

/** 500 InternalError. */
export function internalError(message: string): KubeApiError {
  return new KubeApiError(500, 'InternalError', `Internal error occurred: ${message}`, {
    causes: [{ message }],
  });
}

/** 504 Timeout for a list at a resourceVersion the server has not reached. */
export function resourceVersionTooLarge(requested: number, current: number): KubeApiError {
  return new KubeApiError(504, 'Timeout', `Too large resource version: ${requested}, current: ${current}`, {
    causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
    retryAfterSeconds: 1,
  });
}

/** A `Status` of success, as answered by deletes of kinds that do not return the object. */
export function successStatus(subject: Subject & { name: string; uid?: string }): KubeStatus {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { ...details(subject), ...(subject.uid === undefined ? {} : { uid: subject.uid }) },
    code: 200,
  };
}
