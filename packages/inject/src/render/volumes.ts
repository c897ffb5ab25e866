import { InjectedName } from '../annotations/names.js';
import type { Volume } from '../k8s/types.js';
import type { Values } from '../values/types.js';

/** The xtables lock shared by proxy-init runs. */
export function xtablesVolume(values: Values): Volume {
  return { emptyDir: {}, name: values.proxyInit.xtMountPath.name };
}

/** The in-memory directory the proxy keeps its key and certificate in. */
export function identityVolume(): Volume {
  return { emptyDir: { medium: 'Memory' }, name: InjectedName.identityVolume };
}

/** The projected service-account token the proxy presents to the identity service. */
export function tokenVolume(): Volume {
  return {
    name: InjectedName.tokenVolume,
    projected: {
      sources: [
        {
          serviceAccountToken: {
            audience: 'identity.l5d.io',
            expirationSeconds: 86400,
            path: 'linkerd-identity-token',
          },
        },
      ],
    },
  };
}

/** Pod labels and annotations for trace attributes (tracing only). */
export function podInfoVolume(): Volume {
  return {
    downwardAPI: {
      items: [
        { fieldRef: { fieldPath: 'metadata.labels' }, path: 'labels' },
        { fieldRef: { fieldPath: 'metadata.annotations' }, path: 'annotations' },
      ],
    },
    name: InjectedName.podInfoVolume,
  };
}
