import { AdmissionReviewError } from '../errors.js';

/** `request` of an AdmissionReview (admission.k8s.io/v1). */
export interface AdmissionRequest {
  /** Identifies the request; echoed in the response. */
  uid: string;
  /** Kind of the object (`{group: '', version: 'v1', kind: 'Pod'}`). */
  kind: { group: string; version: string; kind: string };
  /** Resource being admitted (`{group: '', version: 'v1', resource: 'pods'}`). */
  resource?: { group: string; version: string; resource: string };
  /** Name of the object (empty for pods created with `generateName`). */
  name?: string;
  /** Namespace of the object. */
  namespace?: string;
  /** CREATE, UPDATE, DELETE or CONNECT. */
  operation: string;
  /** The object as it would be stored. */
  object?: unknown;
  /** The existing object (UPDATE, DELETE). */
  oldObject?: unknown;
  /** Whether the request is a dry run. */
  dryRun?: boolean;
  /** Other fields (userInfo, options, …). */
  [field: string]: unknown;
}

/** `response` of an AdmissionReview. */
export interface AdmissionResponse {
  /** The request's uid. */
  uid: string;
  /** Whether the request is admitted. */
  allowed: boolean;
  /** `JSONPatch` when `patch` is set. */
  patchType?: 'JSONPatch';
  /** The base64 of a JSON Patch array. */
  patch?: string;
  /** Why a request was denied. */
  status?: { code?: number; reason?: string; message?: string };
  /** Warnings shown to the client (kubectl prints them). */
  warnings?: string[];
}

/** An AdmissionReview as sent to webhooks and returned by them. */
export interface AdmissionReview {
  /** `admission.k8s.io/v1` (or v1beta1). */
  apiVersion: string;
  /** `AdmissionReview`. */
  kind: 'AdmissionReview';
  /** The request (webhook input). */
  request?: AdmissionRequest;
  /** The response (webhook output). */
  response?: AdmissionResponse;
}

const API_VERSIONS = new Set(['admission.k8s.io/v1', 'admission.k8s.io/v1beta1']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Parses and checks an AdmissionReview request body.
 *
 * @throws {AdmissionReviewError} saying what is malformed (bad JSON, wrong kind or apiVersion,
 *   no request, no uid, no kind, no operation); webhooks answer it with HTTP 400.
 */
export function parseAdmissionReview(body: string): AdmissionReview & { request: AdmissionRequest } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (cause) {
    throw new AdmissionReviewError(`malformed AdmissionReview: invalid JSON (${(cause as Error).message})`, {
      cause,
    });
  }
  if (!isRecord(parsed)) throw new AdmissionReviewError('malformed AdmissionReview: expected a JSON object');
  if (parsed.kind !== 'AdmissionReview') {
    throw new AdmissionReviewError(
      `malformed AdmissionReview: kind is ${JSON.stringify(parsed.kind)}, expected "AdmissionReview"`,
    );
  }
  if (typeof parsed.apiVersion !== 'string' || !API_VERSIONS.has(parsed.apiVersion)) {
    throw new AdmissionReviewError(
      `malformed AdmissionReview: apiVersion is ${JSON.stringify(parsed.apiVersion)}, expected "admission.k8s.io/v1"`,
    );
  }
  const request = parsed.request;
  if (!isRecord(request)) throw new AdmissionReviewError('malformed AdmissionReview: no request');
  if (typeof request.uid !== 'string' || request.uid === '') {
    throw new AdmissionReviewError('malformed AdmissionReview: request.uid must be a non-empty string');
  }
  if (!isRecord(request.kind) || typeof request.kind.kind !== 'string') {
    throw new AdmissionReviewError('malformed AdmissionReview: request.kind.kind must be a string');
  }
  if (typeof request.operation !== 'string') {
    throw new AdmissionReviewError('malformed AdmissionReview: request.operation must be a string');
  }
  return parsed as unknown as AdmissionReview & { request: AdmissionRequest };
}

/** Wraps a response in an AdmissionReview of the request's apiVersion. */
export function reviewResponse(apiVersion: string, response: AdmissionResponse): AdmissionReview {
  return { apiVersion, kind: 'AdmissionReview', response };
}
