import fc from 'fast-check';
import { normalizeWorkload } from '../../src/k8s/normalize.js';
import type { KubeObject } from '../../src/k8s/types.js';

const dnsLabel = fc.stringMatching(/^[a-z]([a-z0-9-]{0,10}[a-z0-9])?$/);
/** Keys outside the linkerd.io domains, which uninject owns. */
const userKey = fc.oneof(
  dnsLabel,
  fc
    .tuple(fc.constantFrom('example.com', 'app.kubernetes.io', 'team.io'), dnsLabel)
    .map(([d, n]) => `${d}/${n}`),
);
const text = fc.string({ minLength: 1, maxLength: 20 });
const port = fc.integer({ min: 1, max: 65535 });
const quantity = fc.constantFrom('100m', '250m', '1', '2', '64Mi', '128Mi', '1Gi', '500M');

const probe = fc.record(
  {
    httpGet: fc.record({
      path: fc.constantFrom('/ready', '/live', '/healthz'),
      port: fc.oneof(port, dnsLabel),
    }),
    initialDelaySeconds: fc.integer({ min: 1, max: 60 }),
    periodSeconds: fc.integer({ min: 1, max: 60 }),
  },
  { requiredKeys: ['httpGet'] },
);

const container = (name: string) =>
  fc.record(
    {
      name: fc.constant(name),
      image: fc.constantFrom(
        'nginx:1.27',
        'buoyantio/emojivoto-web:v10',
        'redis:7',
        'ghcr.io/acme/api@sha256:abc',
      ),
      command: fc.array(text, { minLength: 1, maxLength: 3 }),
      args: fc.array(text, { minLength: 1, maxLength: 3 }),
      env: fc.uniqueArray(fc.record({ name: fc.stringMatching(/^[A-Z][A-Z0-9_]{0,10}$/), value: text }), {
        minLength: 1,
        maxLength: 4,
        selector: (e) => e.name,
      }),
      ports: fc.uniqueArray(
        fc.record(
          { containerPort: port, name: dnsLabel, protocol: fc.constantFrom('TCP', 'UDP') },
          { requiredKeys: ['containerPort'] },
        ),
        { minLength: 1, maxLength: 4, selector: (p) => p.containerPort },
      ),
      readinessProbe: probe,
      livenessProbe: probe,
      resources: fc.record(
        {
          requests: fc.record({ cpu: quantity, memory: quantity }),
          limits: fc.record({ cpu: quantity, memory: quantity }),
        },
        { requiredKeys: [] },
      ),
      securityContext: fc.record(
        {
          runAsUser: fc.integer({ min: 1, max: 65535 }),
          runAsNonRoot: fc.boolean(),
          capabilities: fc.record(
            { add: fc.constant(['NET_BIND_SERVICE']), drop: fc.constant(['ALL']) },
            { requiredKeys: [] },
          ),
        },
        { requiredKeys: [] },
      ),
      volumeMounts: fc.constant([{ name: 'data', mountPath: '/data' }]),
    },
    { requiredKeys: ['name', 'image'] },
  );

const podSpec = fc
  .uniqueArray(
    dnsLabel.filter((n) => !n.startsWith('linkerd') && !n.startsWith('istio')),
    { minLength: 1, maxLength: 3 },
  )
  .chain((names) =>
    fc.record(
      {
        containers: fc.tuple(...names.map((n) => container(n))),
        initContainers: fc.constant([{ name: 'migrate', image: 'migrate:1', command: ['migrate'] }]),
        volumes: fc.constant([{ name: 'data', emptyDir: {} }]),
        serviceAccountName: dnsLabel,
        automountServiceAccountToken: fc.boolean(),
        terminationGracePeriodSeconds: fc.integer({ min: 0, max: 120 }),
        nodeSelector: fc.dictionary(userKey, dnsLabel, { maxKeys: 2 }),
        restartPolicy: fc.constantFrom('Always', 'OnFailure'),
      },
      { requiredKeys: ['containers'] },
    ),
  );

const meta = fc.record(
  {
    labels: fc.dictionary(userKey, fc.oneof(dnsLabel, fc.constant('')), { maxKeys: 4 }),
    annotations: fc.dictionary(userKey, text, { maxKeys: 4 }),
  },
  { requiredKeys: [] },
);

/** A realistic Pod or Deployment, in the canonical form the API server stores. */
export const workload: fc.Arbitrary<KubeObject> = fc
  .tuple(fc.constantFrom('Pod', 'Deployment', 'StatefulSet', 'CronJob'), dnsLabel, dnsLabel, meta, podSpec)
  .map(([kind, name, namespace, m, spec]) => {
    const template = { metadata: m, spec };
    const obj: KubeObject =
      kind === 'Pod'
        ? { apiVersion: 'v1', kind, metadata: { name, namespace, ...m }, spec }
        : kind === 'CronJob'
          ? {
              apiVersion: 'batch/v1',
              kind,
              metadata: { name, namespace },
              spec: { schedule: '* * * * *', jobTemplate: { spec: { template } } },
            }
          : {
              apiVersion: 'apps/v1',
              kind,
              metadata: { name, namespace },
              spec: { selector: { matchLabels: { app: name } }, template },
            };
    return normalizeWorkload(obj);
  });
