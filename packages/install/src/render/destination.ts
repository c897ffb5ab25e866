import type { InstallConfig } from '../values/install-config.js';
import type { KubeObject } from './kube-types.js';
import { skeinImage } from './labels.js';
import { Port, ResourceName } from './names.js';
import { componentDeployment, componentService, httpProbe } from './workload.js';

/**
 * The destination pod as Linkerd lays it out: `destination` (Destination API, :8086, and the
 * inbound policy API, :8090, which Skein serves from the same process) and `sp-validator`
 * (ServiceProfile admission webhook, :8443) containers, with Services `linkerd-dst`,
 * `linkerd-dst-headless`, `linkerd-policy` and `linkerd-sp-validator`.
 */
export function renderDestination(config: InstallConfig): KubeObject[] {
  const cp = config.controlPlane;
  const log = [`-log-level=${cp.controllerLogLevel}`, `-log-format=${cp.controllerLogFormat}`];
  const deployment = componentDeployment(config, {
    name: ResourceName.destination,
    component: 'destination',
    serviceAccount: ResourceName.destination,
    containers: [
      {
        name: 'destination',
        image: skeinImage(config, 'destination'),
        args: [
          `-addr=:${Port.destinationGrpc}`,
          `-admin-addr=:${Port.destinationAdmin}`,
          `-controller-namespace=${config.namespace}`,
          `-cluster-domain=${config.values.clusterDomain}`,
          `-identity-trust-domain=${config.trustDomain}`,
          `-default-opaque-ports=${config.values.proxy.opaquePorts}`,
          `-enable-h2-upgrade=${cp.enableH2Upgrade}`,
          `-enable-ipv6=${!config.values.disableIPv6}`,
          `-policy-addr=:${Port.policyGrpc}`,
          `-default-policy=${config.values.proxy.defaultInboundPolicy}`,
          `-cluster-networks=${config.values.clusterNetworks}`,
          ...log,
        ],
        ports: [
          { name: 'grpc', containerPort: Port.destinationGrpc },
          { name: 'policy-grpc', containerPort: Port.policyGrpc },
          { name: 'admin-http', containerPort: Port.destinationAdmin },
        ],
        livenessProbe: httpProbe('/ping', Port.destinationAdmin, 10),
        readinessProbe: { ...httpProbe('/ready', Port.destinationAdmin), failureThreshold: 7 },
      },
      {
        name: 'sp-validator',
        image: skeinImage(config, 'sp-validator'),
        args: [
          `--addr=:${Port.spValidator}`,
          `--admin-addr=:${Port.spValidatorAdmin}`,
          '--tls-cert=/var/run/linkerd/tls/tls.crt',
          '--tls-key=/var/run/linkerd/tls/tls.key',
          `--log-level=${cp.controllerLogLevel}`,
          `--log-format=${cp.controllerLogFormat}`,
        ],
        ports: [
          { name: 'sp-validator', containerPort: Port.spValidator },
          { name: 'spval-admin', containerPort: Port.spValidatorAdmin },
        ],
        livenessProbe: httpProbe('/ping', Port.spValidatorAdmin, 10),
        readinessProbe: { ...httpProbe('/ready', Port.spValidatorAdmin), failureThreshold: 7 },
        volumeMounts: [{ name: 'sp-tls', mountPath: '/var/run/linkerd/tls', readOnly: true }],
      },
    ],
    volumes: [{ name: 'sp-tls', secret: { secretName: ResourceName.spValidatorSecret } }],
  });
  return [
    componentService(config, ResourceName.dstService, 'destination', [
      { name: 'grpc', port: Port.destinationGrpc },
    ]),
    componentService(
      config,
      ResourceName.dstHeadless,
      'destination',
      [{ name: 'grpc', port: Port.destinationGrpc }],
      true,
    ),
    componentService(
      config,
      ResourceName.policy,
      'destination',
      [{ name: 'grpc', port: Port.policyGrpc, targetPort: 'policy-grpc' }],
      true,
    ),
    componentService(config, ResourceName.spValidator, 'destination', [
      { name: 'sp-validator', port: Port.webhookService, targetPort: 'sp-validator' },
    ]),
    deployment,
  ];
}
