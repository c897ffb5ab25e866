import type { CrdDefinition } from './crd-builder.js';
import { bool, int, intOrString, labelSelector, list, object, open, str, targetRef } from './schema.js';

const network = () => object({ cidr: str(), except: list(str()) }, ['cidr']);
const category = ['policy'];

/** Linkerd's policy CRDs (`policy.linkerd.io`), at the versions a current Linkerd stores. */
export const POLICY_CRDS: readonly CrdDefinition[] = [
  {
    group: 'policy.linkerd.io',
    kind: 'Server',
    plural: 'servers',
    shortNames: ['srv'],
    categories: category,
    versions: [
      {
        name: 'v1beta3',
        storage: true,
        spec: object(
          {
            podSelector: labelSelector(),
            externalWorkloadSelector: labelSelector(),
            port: intOrString(),
            proxyProtocol: str({ enum: ['unknown', 'HTTP/1', 'HTTP/2', 'gRPC', 'opaque', 'TLS'] }),
            accessPolicy: str(),
          },
          ['port'],
        ),
        columns: [
          { name: 'Port', type: 'string', jsonPath: '.spec.port' },
          { name: 'Protocol', type: 'string', jsonPath: '.spec.proxyProtocol' },
        ],
      },
    ],
  },
  {
    group: 'policy.linkerd.io',
    kind: 'ServerAuthorization',
    plural: 'serverauthorizations',
    shortNames: ['saz', 'serverauthz', 'srvauthz'],
    categories: category,
    versions: [
      {
        name: 'v1beta1',
        storage: true,
        spec: object(
          {
            server: object({ name: str(), selector: labelSelector() }),
            client: object({
              networks: list(network()),
              meshTLS: object({
                unauthenticatedTLS: bool(),
                identities: list(str()),
                serviceAccounts: list(object({ name: str(), namespace: str() }, ['name'])),
              }),
              unauthenticated: bool(),
            }),
          },
          ['server', 'client'],
        ),
      },
    ],
  },
  {
    group: 'policy.linkerd.io',
    kind: 'AuthorizationPolicy',
    plural: 'authorizationpolicies',
    shortNames: ['authzpolicy'],
    categories: category,
    versions: [
      {
        name: 'v1alpha1',
        storage: true,
        spec: object({ targetRef: targetRef(), requiredAuthenticationRefs: list(targetRef()) }, [
          'targetRef',
          'requiredAuthenticationRefs',
        ]),
      },
    ],
  },
  {
    group: 'policy.linkerd.io',
    kind: 'MeshTLSAuthentication',
    plural: 'meshtlsauthentications',
    shortNames: ['meshtlsauthn'],
    categories: category,
    versions: [
      {
        name: 'v1alpha1',
        storage: true,
        spec: object({ identities: list(str()), identityRefs: list(targetRef()) }),
      },
    ],
  },
  {
    group: 'policy.linkerd.io',
    kind: 'NetworkAuthentication',
    plural: 'networkauthentications',
    shortNames: ['netauthn', 'networkauthn'],
    categories: category,
    versions: [
      { name: 'v1alpha1', storage: true, spec: object({ networks: list(network()) }, ['networks']) },
    ],
  },
  {
    group: 'policy.linkerd.io',
    kind: 'HTTPRoute',
    plural: 'httproutes',
    categories: category,
    versions: [
      {
        name: 'v1beta3',
        storage: true,
        status: true,
        spec: object({
          parentRefs: list(
            object(
              { group: str(), kind: str(), name: str(), namespace: str(), port: int(), sectionName: str() },
              ['name'],
            ),
          ),
          hostnames: list(str()),
          // Matches, filters and backends follow the Gateway API; the policy controller validates them.
          rules: list(
            object({
              matches: list(open()),
              filters: list(open()),
              backendRefs: list(open()),
              timeouts: object({ request: str(), backendRequest: str() }),
            }),
          ),
        }),
      },
    ],
  },
  {
    group: 'policy.linkerd.io',
    kind: 'HTTPLocalRateLimitPolicy',
    plural: 'httplocalratelimitpolicies',
    categories: category,
    versions: [
      {
        name: 'v1alpha1',
        storage: true,
        status: true,
        spec: object(
          {
            targetRef: targetRef(),
            total: object({ requestsPerSecond: int() }),
            identity: object({ requestsPerSecond: int() }),
            overrides: list(object({ requestsPerSecond: int(), clientRefs: list(targetRef()) })),
          },
          ['targetRef'],
        ),
      },
    ],
  },
  {
    group: 'policy.linkerd.io',
    kind: 'EgressNetwork',
    plural: 'egressnetworks',
    categories: category,
    versions: [
      {
        name: 'v1alpha1',
        storage: true,
        status: true,
        spec: object({ networks: list(network()), trafficPolicy: str({ enum: ['Allow', 'Deny'] }) }, [
          'trafficPolicy',
        ]),
      },
    ],
  },
];
