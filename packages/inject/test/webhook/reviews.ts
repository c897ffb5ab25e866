import { randomUUID } from 'node:crypto';

/** An AdmissionReview v1 request as the API server sends it. */
export function admissionReview(
  kind: string,
  object: unknown,
  options: { namespace?: string; operation?: string; apiVersion?: string; group?: string } = {},
): Record<string, unknown> {
  const group = options.group ?? (kind === 'ServiceProfile' ? 'linkerd.io' : '');
  const version = kind === 'ServiceProfile' ? 'v1alpha2' : 'v1';
  return {
    apiVersion: options.apiVersion ?? 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: randomUUID(),
      kind: { group, version, kind },
      resource: { group, version, resource: `${kind.toLowerCase()}s` },
      requestKind: { group, version, kind },
      name: '',
      namespace: options.namespace ?? 'emojivoto',
      operation: options.operation ?? 'CREATE',
      userInfo: {
        username: 'system:serviceaccount:kube-system:replicaset-controller',
        groups: ['system:serviceaccounts'],
      },
      object,
      oldObject: null,
      dryRun: false,
      options: { kind: 'CreateOptions', apiVersion: 'meta.k8s.io/v1' },
    },
  };
}

/** The JSON Patch of an admission response. */
export function decodePatch(response: { patch?: string }): { op: string; path: string; value?: unknown }[] {
  return response.patch === undefined
    ? []
    : JSON.parse(Buffer.from(response.patch, 'base64').toString('utf8'));
}
