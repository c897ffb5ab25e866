import type { KubeObject } from '../src/k8s/types.js';
import { resolveValues } from '../src/values/resolve-values.js';
import type { Values } from '../src/values/types.js';

/** A stand-in trust anchor: the injector only copies it into env and hashes it. */
export const TEST_ANCHORS = '-----BEGIN CERTIFICATE-----\nTUlJQmZha2VhbmNob3I=\n-----END CERTIFICATE-----\n';

/** Skein's defaults with a trust anchor and a fixed proxy version. */
export function testValues(overlay: Record<string, unknown> = {}): Values {
  return resolveValues([
    { identityTrustAnchorsPEM: TEST_ANCHORS, proxy: { image: { version: 'v-test' } } },
    overlay,
  ]).values;
}

/** The emojivoto `web` Deployment of Linkerd's tests. */
export function emojivotoDeployment(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'emojivoto' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web-svc' } },
      template: {
        metadata: { labels: { app: 'web-svc' } },
        spec: {
          containers: [
            {
              env: [
                { name: 'WEB_PORT', value: '80' },
                { name: 'EMOJISVC_HOST', value: 'emoji-svc.emojivoto:8080' },
                { name: 'VOTINGSVC_HOST', value: 'voting-svc.emojivoto:8080' },
                { name: 'INDEX_BUNDLE', value: 'dist/index_bundle.js' },
              ],
              image: 'buoyantio/emojivoto-web:v10',
              name: 'web-svc',
              ports: [{ containerPort: 80, name: 'http' }],
            },
          ],
        },
      },
    },
  };
}

/** A bare pod as an admission request carries it. */
export function pod(
  overrides: { annotations?: Record<string, string>; ports?: number[]; namespace?: string } = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: 'web-5f9c8d7b9-',
      namespace: overrides.namespace ?? 'emojivoto',
      labels: { app: 'web-svc', 'pod-template-hash': '5f9c8d7b9' },
      ...(overrides.annotations === undefined ? {} : { annotations: overrides.annotations }),
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5f9c8d7b9', controller: true, uid: 'u1' },
      ],
    },
    spec: {
      containers: [
        {
          name: 'web-svc',
          image: 'buoyantio/emojivoto-web:v10',
          ports: (overrides.ports ?? [80]).map((p) => ({ containerPort: p })),
        },
      ],
    },
  };
}
