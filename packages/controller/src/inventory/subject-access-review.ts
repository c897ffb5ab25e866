import { AuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { TapAccessPolicy } from '@skein/tap';
import { InventoryError } from '../errors.js';
import { canonicalKind } from './resources.js';

/**
 * Linkerd's tap authorization (spec §8): a SubjectAccessReview asking whether the caller may
 * `watch` the target's `tap` subresource in API group `tap.linkerd.io` (resource: the kind's
 * plural, e.g. `deployments`).
 */
export function subjectAccessReviewPolicy(kubeConfig: KubeConfig): TapAccessPolicy {
  const api = kubeConfig.makeApiClient(AuthorizationV1Api);
  return {
    async allowed(caller, target) {
      const kind = canonicalKind(target.kind);
      const resource = kind === 'namespace' ? 'namespaces' : `${kind}s`;
      try {
        const review = await api.createSubjectAccessReview({
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SubjectAccessReview',
            spec: {
              user: caller.user,
              groups: [...caller.groups],
              resourceAttributes: {
                ...(kind === 'namespace' ? {} : { namespace: target.namespace }),
                verb: 'watch',
                group: 'tap.linkerd.io',
                resource,
                subresource: 'tap',
                ...(target.name === undefined ? {} : { name: target.name }),
              },
            },
          },
        });
        return review.status?.allowed === true;
      } catch (cause) {
        throw new InventoryError(`Kubernetes API: SubjectAccessReview failed: ${(cause as Error).message}`, {
          cause,
        });
      }
    },
  };
}
