import type { KubeObject } from '@skein/inject';

/** The emojivoto `web` Deployment of Linkerd's injector tests. */
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

/** A stand-in trust anchor (the injector copies and hashes it). */
export const ANCHORS = '-----BEGIN CERTIFICATE-----\nTUlJQmJlbmNo\n-----END CERTIFICATE-----\n';
