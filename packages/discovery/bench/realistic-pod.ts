// A pod as a real cluster stores it: managed fields, a last-applied annotation, volumes, probes,
// resources, conditions and container statuses, around the few fields discovery reads.
export function realisticPod(ns: string, name: string, ip: string) {
  const app = name.replace(/-\d+$/, '');
  const time = '2026-11-01T10:00:00Z';
  const container = (n: string, image: string) => ({
    name: n,
    image,
    imagePullPolicy: 'IfNotPresent',
    ports:
      n === 'app'
        ? [{ name: 'http', containerPort: 8080, protocol: 'TCP' }]
        : [
            { name: 'linkerd-proxy', containerPort: 4143, protocol: 'TCP' },
            { name: 'linkerd-admin', containerPort: 4191, protocol: 'TCP' },
          ],
    env:
      n === 'linkerd-proxy'
        ? [
            { name: 'LINKERD2_PROXY_LOG', value: 'warn,linkerd=info' },
            {
              name: 'LINKERD2_PROXY_DESTINATION_SVC_ADDR',
              value: 'linkerd-dst-headless.linkerd.svc.cluster.local.:8086',
            },
            { name: 'LINKERD2_PROXY_INBOUND_LISTEN_ADDR', value: '0.0.0.0:4143' },
            { name: 'LINKERD2_PROXY_ADMIN_LISTEN_ADDR', value: '0.0.0.0:4191' },
            { name: 'LINKERD2_PROXY_CONTROL_LISTEN_ADDR', value: '0.0.0.0:4190' },
            { name: 'LINKERD2_PROXY_DESTINATION_CONTEXT', value: `{"ns":"${ns}","nodeName":"node-1"}` },
            {
              name: 'LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS',
              value: `-----BEGIN CERTIFICATE-----\n${'A'.repeat(600)}\n-----END CERTIFICATE-----\n`,
            },
          ]
        : [{ name: 'PORT', value: '8080' }],
    resources: { requests: { cpu: '100m', memory: '20Mi' }, limits: { memory: '250Mi' } },
    livenessProbe: {
      httpGet: { path: '/live', port: 4191, scheme: 'HTTP' },
      initialDelaySeconds: 10,
      periodSeconds: 10,
    },
    readinessProbe: {
      httpGet: { path: '/ready', port: 4191, scheme: 'HTTP' },
      initialDelaySeconds: 2,
      periodSeconds: 10,
    },
    volumeMounts: [
      { name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true },
      { name: 'linkerd-identity-end-entity', mountPath: '/var/run/linkerd/identity/end-entity' },
    ],
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
  });
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      labels: {
        app,
        'linkerd.io/control-plane-ns': 'linkerd',
        'linkerd.io/proxy-deployment': app,
        'pod-template-hash': '5d8f7c9b6',
      },
      annotations: {
        'linkerd.io/created-by': 'linkerd/proxy-injector stable-2.14',
        'linkerd.io/proxy-version': 'stable-2.14',
        'linkerd.io/trust-root-sha256': 'a'.repeat(64),
        'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({
          spec: { containers: [{ name: 'app', image: 'app:v1' }] },
          x: 'y'.repeat(400),
        }),
      },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: `${app}-5d8f7c9b6`,
          uid: 'c3d1f0e4-1234-4bcd-9abc-0123456789ab',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
      managedFields: [
        {
          manager: 'kube-controller-manager',
          operation: 'Update',
          apiVersion: 'v1',
          time,
          fieldsType: 'FieldsV1',
          fieldsV1: {
            'f:metadata': {
              'f:labels': { '.': {}, 'f:app': {}, 'f:pod-template-hash': {} },
              'f:ownerReferences': {},
            },
            'f:spec': {
              'f:containers': {
                'k:{"name":"app"}': {
                  '.': {},
                  'f:image': {},
                  'f:name': {},
                  'f:ports': {},
                  'f:resources': {},
                },
              },
            },
          },
        },
        {
          manager: 'kubelet',
          operation: 'Update',
          apiVersion: 'v1',
          time,
          fieldsType: 'FieldsV1',
          subresource: 'status',
          fieldsV1: {
            'f:status': {
              'f:conditions': {},
              'f:containerStatuses': {},
              'f:hostIP': {},
              'f:phase': {},
              'f:podIP': {},
              'f:podIPs': {},
              'f:startTime': {},
            },
          },
        },
      ],
    },
    spec: {
      serviceAccountName: 'app',
      nodeName: 'node-1',
      containers: [
        container('app', 'app:v1'),
        container('linkerd-proxy', 'cr.l5d.io/linkerd/proxy:stable-2.14'),
      ],
      initContainers: [
        {
          name: 'linkerd-init',
          image: 'cr.l5d.io/linkerd/proxy-init:v2.2',
          args: ['--incoming-proxy-port', '4143', '--outgoing-proxy-port', '4140', '--proxy-uid', '2102'],
        },
      ],
      volumes: [
        {
          name: 'kube-api-access',
          projected: {
            sources: [
              { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
              { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            ],
          },
        },
        { name: 'linkerd-identity-end-entity', emptyDir: { medium: 'Memory' } },
      ],
      dnsPolicy: 'ClusterFirst',
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      terminationGracePeriodSeconds: 30,
      tolerations: [
        {
          key: 'node.kubernetes.io/not-ready',
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: 300,
        },
        {
          key: 'node.kubernetes.io/unreachable',
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: 300,
        },
      ],
    },
    status: {
      phase: 'Running',
      hostIP: '192.168.0.10',
      podIP: ip,
      podIPs: [{ ip }],
      startTime: time,
      qosClass: 'Burstable',
      conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({
        type,
        status: 'True',
        lastTransitionTime: time,
      })),
      containerStatuses: ['app', 'linkerd-proxy'].map((n) => ({
        name: n,
        ready: true,
        restartCount: 0,
        image: `${n}:v1`,
        imageID: `docker.io/library/${n}@sha256:${'b'.repeat(64)}`,
        containerID: `containerd://${'c'.repeat(64)}`,
        started: true,
        state: { running: { startedAt: time } },
      })),
    },
  };
}
