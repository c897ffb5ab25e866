import { formatDuration } from '@skein/core';
import { parseGoDuration } from '../values/go-duration.js';
import type { InstallConfig } from '../values/install-config.js';
import type { KubeObject } from './kube-types.js';
import { skeinImage } from './labels.js';
import { Port, ResourceName } from './names.js';
import { componentDeployment, componentService, httpProbe } from './workload.js';

/**
 * The identity service (Certify, :8080) with the issuer Secret and the trust-roots ConfigMap
 * mounted where `skein-identity` reads them, and Services `linkerd-identity` and
 * `linkerd-identity-headless`.
 */
export function renderIdentity(config: InstallConfig): KubeObject[] {
  const cp = config.controlPlane;
  const issuer = cp.identity.issuer;
  const lifetime = formatDuration(
    parseGoDuration(issuer.issuanceLifetime, 'identity.issuer.issuanceLifetime'),
  );
  const skew = formatDuration(
    parseGoDuration(issuer.clockSkewAllowance, 'identity.issuer.clockSkewAllowance'),
  );
  const deployment = componentDeployment(config, {
    name: ResourceName.identity,
    component: 'identity',
    serviceAccount: ResourceName.identity,
    containers: [
      {
        name: 'identity',
        image: skeinImage(config, 'identity'),
        args: [
          `--addr=0.0.0.0:${Port.identityGrpc}`,
          `--admin-addr=0.0.0.0:${Port.identityAdmin}`,
          '--issuer-dir=/var/run/linkerd/identity/issuer',
          '--trust-anchors-file=/var/run/linkerd/identity/trust-roots/ca-bundle.crt',
          `--trust-domain=${config.trustDomain}`,
          `--controller-namespace=${config.namespace}`,
          `--issuance-lifetime=${lifetime}`,
          `--clock-skew-allowance=${skew}`,
          `--log=${cp.controllerLogLevel}`,
          `--log-format=${cp.controllerLogFormat}`,
        ],
        ports: [
          { name: 'grpc', containerPort: Port.identityGrpc },
          { name: 'admin-http', containerPort: Port.identityAdmin },
        ],
        livenessProbe: httpProbe('/ping', Port.identityAdmin, 10),
        readinessProbe: { ...httpProbe('/ready', Port.identityAdmin), failureThreshold: 7 },
        volumeMounts: [
          { name: 'identity-issuer', mountPath: '/var/run/linkerd/identity/issuer', readOnly: true },
          { name: 'trust-roots', mountPath: '/var/run/linkerd/identity/trust-roots', readOnly: true },
        ],
      },
    ],
    volumes: [
      { name: 'identity-issuer', secret: { secretName: ResourceName.issuerSecret } },
      { name: 'trust-roots', configMap: { name: ResourceName.trustRoots } },
    ],
  });
  return [
    componentService(config, ResourceName.identity, 'identity', [{ name: 'grpc', port: Port.identityGrpc }]),
    componentService(
      config,
      ResourceName.identityHeadless,
      'identity',
      [{ name: 'grpc', port: Port.identityGrpc }],
      true,
    ),
    deployment,
  ];
}
