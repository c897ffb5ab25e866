import { randomBytes, randomUUID } from 'node:crypto';
import type { AccessAttributes, AccessRules } from './access-rules.js';
import { isJsonObject, type KubeObject, type StoredObject } from './kube-object.js';
import { kubeTimestamp } from './object-name.js';
import { badRequest, invalid } from './status.js';
import { serviceAccountUser, type TokenRegistry, type TokenUser } from './token-registry.js';

function spec(body: unknown): Record<string, unknown> {
  if (!isJsonObject(body)) throw badRequest('the request body must be a JSON object');
  return isJsonObject(body.spec) ? body.spec : {};
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** `POST tokenreviews`: authenticates `spec.token` for `spec.audiences`. */
export function tokenReview(tokens: TokenRegistry, body: unknown): KubeObject {
  const s = spec(body);
  if (typeof s.token !== 'string' || s.token === '')
    throw badRequest('token is required for TokenReview in authentication');
  const status = tokens.review(s.token, strings(s.audiences));
  return {
    kind: 'TokenReview',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: {},
    spec: s,
    status,
  };
}

/** `POST subjectaccessreviews|localsubjectaccessreviews|selfsubjectaccessreviews`. */
export function accessReview(
  rules: AccessRules,
  kind: 'SubjectAccessReview' | 'LocalSubjectAccessReview' | 'SelfSubjectAccessReview',
  body: unknown,
  namespace: string | undefined,
  requester: TokenUser | undefined,
): KubeObject {
  const s = spec(body);
  const resource = isJsonObject(s.resourceAttributes) ? s.resourceAttributes : undefined;
  const nonResource = isJsonObject(s.nonResourceAttributes) ? s.nonResourceAttributes : undefined;
  const user =
    kind === 'SelfSubjectAccessReview' ? (requester?.username ?? 'system:anonymous') : String(s.user ?? '');
  const groups =
    kind === 'SelfSubjectAccessReview'
      ? (requester?.groups ?? ['system:unauthenticated'])
      : strings(s.groups);
  const causes: Array<{ field: string; message: string; reason?: string }> = [];
  if ((resource === undefined) === (nonResource === undefined))
    causes.push({
      field: 'spec.resourceAttributes',
      message:
        'Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
    });
  if (kind !== 'SelfSubjectAccessReview' && user === '' && groups.length === 0)
    causes.push({
      field: 'spec.user',
      message: 'Invalid value: "": at least one of user or group must be specified',
    });
  if (kind === 'LocalSubjectAccessReview' && resource !== undefined && resource.namespace !== namespace)
    causes.push({
      field: 'spec.resourceAttributes.namespace',
      message: `Invalid value: ${JSON.stringify(resource.namespace ?? '')}: must match metadata.namespace`,
    });
  if (causes.length > 0) throw invalid(kind, 'authorization.k8s.io', '', causes);
  const attrs: AccessAttributes =
    resource !== undefined
      ? {
          user,
          groups,
          verb: String(resource.verb ?? ''),
          apiGroup: String(resource.group ?? ''),
          resource: String(resource.resource ?? ''),
          subresource: String(resource.subresource ?? ''),
          namespace: String(resource.namespace ?? ''),
          name: String(resource.name ?? ''),
        }
      : { user, groups, verb: String(nonResource?.verb ?? ''), path: String(nonResource?.path ?? '') };
  const decision = rules.decide(attrs);
  return {
    kind,
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { ...(namespace === undefined ? {} : { namespace }) },
    spec: kind === 'SelfSubjectAccessReview' ? s : { ...s, user, groups },
    status: decision,
  };
}

function jwtShaped(claims: Record<string, unknown>): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'RS256', kid: 'skein-testkit' })}.${part(claims)}.${randomBytes(32).toString('base64url')}`;
}

/**
 * `POST serviceaccounts/<name>/token` (TokenRequest): issues a token bound to the account and
 * registers it, so TokenReview authenticates it for the requested audiences until it expires.
 * The token is JWT-shaped, but only this server's registry makes it valid.
 */
export function tokenRequest(tokens: TokenRegistry, account: StoredObject, body: unknown): KubeObject {
  const s = spec(body);
  const seconds = s.expirationSeconds === undefined ? 3600 : Number(s.expirationSeconds);
  const name = account.metadata.name;
  const namespace = account.metadata.namespace ?? '';
  if (!Number.isInteger(seconds) || seconds < 600)
    throw invalid('TokenRequest', 'authentication.k8s.io', name, [
      {
        field: 'spec.expirationSeconds',
        message: `Invalid value: ${JSON.stringify(s.expirationSeconds)}: may not specify a duration less than 10 minutes`,
      },
    ]);
  const audiences = strings(s.audiences).length > 0 ? strings(s.audiences) : [...tokens.apiAudiences];
  const now = new Date();
  const expiresAt = new Date(now.getTime() + seconds * 1000);
  const bound = isJsonObject(s.boundObjectRef) ? s.boundObjectRef : undefined;
  const extra: Record<string, string[]> = {
    'authentication.kubernetes.io/credential-id': [`JTI=${randomUUID()}`],
  };
  if (bound?.kind === 'Pod') {
    extra['authentication.kubernetes.io/pod-name'] = [String(bound.name ?? '')];
    extra['authentication.kubernetes.io/pod-uid'] = [String(bound.uid ?? '')];
  }
  const token = jwtShaped({
    aud: audiences,
    exp: Math.floor(expiresAt.getTime() / 1000),
    iat: Math.floor(now.getTime() / 1000),
    iss: 'https://kubernetes.default.svc.cluster.local',
    sub: `system:serviceaccount:${namespace}:${name}`,
  });
  tokens.add(token, {
    user: serviceAccountUser(namespace, name, extra),
    audiences,
    expiresAt,
    serviceAccount: { namespace, name },
  });
  return {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { name, namespace, creationTimestamp: kubeTimestamp(now) },
    spec: { ...s, audiences, expirationSeconds: seconds, boundObjectRef: bound ?? null },
    status: { token, expirationTimestamp: kubeTimestamp(expiresAt) },
  };
}
