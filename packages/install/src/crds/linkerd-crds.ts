import type { CrdDefinition } from './crd-builder.js';
import { bool, int, intOrString, list, object, open, str } from './schema.js';

// Deeply nested matches (all/any/not) cannot be described structurally; the sp-validator
// webhook checks them with Linkerd's rules, so the API server keeps them as given.
const requestMatch = () =>
  object({ all: list(open()), any: list(open()), not: open(), pathRegex: str(), method: str() });
const responseMatch = () =>
  object({ all: list(open()), any: list(open()), not: open(), status: object({ min: int(), max: int() }) });

const serviceProfileSpec = object(
  {
    routes: list(
      object(
        {
          name: str(),
          condition: requestMatch(),
          responseClasses: list(object({ condition: responseMatch(), isFailure: bool() }, ['condition'])),
          isRetryable: bool(),
          timeout: str(),
        },
        ['name', 'condition'],
      ),
    ),
    retryBudget: object({ retryRatio: { type: 'number' }, minRetriesPerSecond: int(), ttl: str() }, [
      'retryRatio',
      'minRetriesPerSecond',
      'ttl',
    ]),
    dstOverrides: list(object({ authority: str(), weight: intOrString() }, ['authority', 'weight'])),
    opaquePorts: list(int()),
  },
  [],
);

/** `serviceprofiles.linkerd.io`: v1alpha1 and v1alpha2 (storage), as Linkerd serves them. */
export const SERVICE_PROFILE_CRD: CrdDefinition = {
  group: 'linkerd.io',
  kind: 'ServiceProfile',
  plural: 'serviceprofiles',
  shortNames: ['sp'],
  categories: ['linkerd'],
  versions: [
    { name: 'v1alpha1', storage: false, spec: serviceProfileSpec },
    { name: 'v1alpha2', storage: true, spec: serviceProfileSpec },
  ],
};

/** `externalworkloads.workload.linkerd.io`: workloads outside Kubernetes joining the mesh. */
export const EXTERNAL_WORKLOAD_CRD: CrdDefinition = {
  group: 'workload.linkerd.io',
  kind: 'ExternalWorkload',
  plural: 'externalworkloads',
  categories: ['external'],
  versions: [
    {
      name: 'v1beta1',
      storage: true,
      status: true,
      spec: object(
        {
          meshTLS: object({ identity: str(), serverName: str() }, ['identity', 'serverName']),
          ports: list(object({ name: str(), port: int(), protocol: str() }, ['port'])),
          workloadIPs: list(object({ ip: str() }, ['ip'])),
        },
        ['meshTLS'],
      ),
    },
  ],
};
