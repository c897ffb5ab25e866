import type { InstallConfig } from '../values/install-config.js';
import type { Container, KubeObject, ServicePort, Volume } from './kube-types.js';
import { commonLabels, selectorLabels } from './labels.js';
import type { ComponentName } from './names.js';

/** What a control-plane Deployment consists of. */
export interface DeploymentSpec {
  /** Deployment name. */
  readonly name: string;
  /** Component label. */
  readonly component: ComponentName;
  /** Service account of the pods. */
  readonly serviceAccount: string;
  /** Containers. */
  readonly containers: Container[];
  /** Volumes. */
  readonly volumes?: Volume[];
  /** Extra pod annotations. */
  readonly podAnnotations?: Record<string, string>;
  /** Replicas; default `controllerReplicas`. */
  readonly replicas?: number;
}

/** The security context of a control-plane container: non-root, read-only, no capabilities. */
export function restrictedSecurityContext(config: InstallConfig): Record<string, unknown> {
  const { controllerUID, controllerGID } = config.controlPlane;
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: controllerUID,
    ...(controllerGID >= 0 ? { runAsGroup: controllerGID } : {}),
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** An HTTP probe on an admin port. */
export function httpProbe(path: string, port: number, initialDelaySeconds = 0): Record<string, unknown> {
  return {
    httpGet: { path, port },
    ...(initialDelaySeconds > 0 ? { initialDelaySeconds } : {}),
    timeoutSeconds: 1,
  };
}

/** A Deployment of the control plane, labelled, with Linkerd's pod settings from the values. */
export function componentDeployment(config: InstallConfig, spec: DeploymentSpec): KubeObject {
  const cp = config.controlPlane;
  const labels = { ...commonLabels(config, spec.component), ...cp.podLabels };
  const selector = selectorLabels(config, spec.component);
  const replicas = spec.replicas ?? cp.controllerReplicas;
  const affinity = cp.enablePodAntiAffinity
    ? {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 100,
              podAffinityTerm: {
                labelSelector: { matchLabels: selector },
                topologyKey: 'kubernetes.io/hostname',
              },
            },
          ],
        },
      }
    : undefined;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: spec.name, namespace: config.namespace, labels: commonLabels(config, spec.component) },
    spec: {
      replicas,
      revisionHistoryLimit: 10,
      selector: { matchLabels: selector },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: {
          annotations: {
            'linkerd.io/inject': 'enabled',
            ...cp.podAnnotations,
            ...spec.podAnnotations,
          },
          labels,
        },
        spec: {
          serviceAccountName: spec.serviceAccount,
          automountServiceAccountToken: true,
          nodeSelector: cp.nodeSelector,
          ...(cp.priorityClassName === '' ? {} : { priorityClassName: cp.priorityClassName }),
          ...(affinity === undefined ? {} : { affinity }),
          securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
          containers: spec.containers.map((c) => ({
            ...c,
            imagePullPolicy: c.imagePullPolicy ?? config.values.imagePullPolicy,
            securityContext: c.securityContext ?? restrictedSecurityContext(config),
          })),
          ...(spec.volumes === undefined || spec.volumes.length === 0 ? {} : { volumes: spec.volumes }),
        },
      },
    },
  };
}

/** A ClusterIP Service selecting a component's pods (`headless` for a `clusterIP: None` one). */
export function componentService(
  config: InstallConfig,
  name: string,
  component: ComponentName,
  ports: readonly ServicePort[],
  headless = false,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: config.namespace, labels: commonLabels(config, component) },
    spec: {
      type: 'ClusterIP',
      ...(headless ? { clusterIP: 'None' } : {}),
      selector: selectorLabels(config, component),
      ports: ports.map((p) => ({
        name: p.name,
        port: p.port,
        targetPort: p.targetPort ?? p.port,
        protocol: 'TCP',
      })),
    },
  };
}

/** A PodDisruptionBudget allowing one unavailable pod of a component. */
export function componentDisruptionBudget(
  config: InstallConfig,
  name: string,
  component: ComponentName,
): KubeObject {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name, namespace: config.namespace, labels: commonLabels(config, component) },
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(config, component) } },
  };
}
