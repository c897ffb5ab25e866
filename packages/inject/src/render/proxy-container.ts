import { InjectedName } from '../annotations/names.js';
import type { Container, VolumeMount } from '../k8s/types.js';
import { renderProxyEnv } from './proxy-env.js';
import { imageRef, type RenderContext } from './render-context.js';
import { renderResources } from './resources.js';

function probeTiming(t: { initialDelaySeconds: number; timeoutSeconds: number }): Record<string, number> {
  const out: Record<string, number> = {};
  if (t.initialDelaySeconds !== 0) out.initialDelaySeconds = t.initialDelaySeconds;
  if (t.timeoutSeconds !== 0) out.timeoutSeconds = t.timeoutSeconds;
  return out;
}

function securityContext(ctx: RenderContext): Record<string, unknown> {
  const p = ctx.values.proxy;
  if (Object.keys(p.securityContext).length > 0) return structuredClone(p.securityContext);
  const sc: Record<string, unknown> = { allowPrivilegeEscalation: false };
  const caps = ctx.appCapabilities;
  if (caps !== undefined) {
    const capabilities: Record<string, string[]> = {};
    if (caps.add !== undefined && caps.add.length > 0) capabilities.add = [...caps.add];
    if (caps.drop !== undefined && caps.drop.length > 0) capabilities.drop = [...caps.drop];
    sc.capabilities = capabilities;
  }
  sc.readOnlyRootFilesystem = true;
  sc.runAsNonRoot = true;
  sc.runAsUser = p.uid;
  if (p.gid >= 0) sc.runAsGroup = p.gid;
  sc.seccompProfile = { type: 'RuntimeDefault' };
  return sc;
}

function volumeMounts(ctx: RenderContext): VolumeMount[] {
  const mounts: VolumeMount[] = [
    { mountPath: '/var/run/linkerd/identity/end-entity', name: InjectedName.identityVolume },
  ];
  if (ctx.values.identity.serviceAccountTokenProjection) {
    mounts.push({ mountPath: '/var/run/secrets/tokens', name: InjectedName.tokenVolume });
  }
  const sa = ctx.serviceAccountMount;
  if (sa !== undefined)
    mounts.push({ mountPath: sa.mountPath, name: sa.name, readOnly: sa.readOnly === true });
  if (ctx.values.proxy.tracing.enabled)
    mounts.push({ mountPath: '/var/run/linkerd/podinfo', name: InjectedName.podInfoVolume });
  return mounts;
}

/**
 * The `linkerd-proxy` container (Linkerd's `_proxy.tpl`): image, env, the two declared ports,
 * liveness/readiness (and, as a native sidecar that awaits, startup) probes, resources, the
 * non-root security context, the await/preStop lifecycle for classic sidecars, and the identity
 * mounts.
 */
export function renderProxyContainer(ctx: RenderContext): Container {
  const v = ctx.values;
  const p = v.proxy;
  const admin = p.ports.admin;
  const c: Container = {
    env: renderProxyEnv(ctx),
    image: imageRef(p.image.name, p.image.version, v.linkerdVersion),
    imagePullPolicy: p.image.pullPolicy === '' ? v.imagePullPolicy : p.image.pullPolicy,
    livenessProbe: { httpGet: { path: '/live', port: admin }, ...probeTiming(p.livenessProbe) },
    name: InjectedName.proxy,
    ports: [
      { containerPort: p.ports.inbound, name: 'linkerd-proxy' },
      { containerPort: admin, name: 'linkerd-admin' },
    ],
    readinessProbe: { httpGet: { path: '/ready', port: admin }, ...probeTiming(p.readinessProbe) },
  };
  const resources = renderResources(p.resources);
  if (resources !== undefined) c.resources = resources;
  if (p.nativeSidecar) c.restartPolicy = 'Always';
  c.securityContext = securityContext(ctx);
  if (p.nativeSidecar && p.await) {
    const s = p.startupProbe;
    c.startupProbe = {
      failureThreshold: s.failureThreshold,
      httpGet: { path: '/ready', port: admin },
      ...(s.initialDelaySeconds !== 0 ? { initialDelaySeconds: s.initialDelaySeconds } : {}),
      periodSeconds: s.periodSeconds,
    };
  }
  c.terminationMessagePolicy = 'FallbackToLogsOnError';
  if (!p.nativeSidecar && (p.await || p.waitBeforeExitSeconds > 0)) {
    const lifecycle: Record<string, unknown> = {};
    if (p.await) {
      lifecycle.postStart = {
        exec: { command: ['/usr/lib/linkerd/linkerd-await', '--timeout=2m', `--port=${admin}`] },
      };
    }
    if (p.waitBeforeExitSeconds > 0) {
      lifecycle.preStop = { exec: { command: ['/bin/sleep', String(p.waitBeforeExitSeconds)] } };
    }
    c.lifecycle = lifecycle;
  }
  c.volumeMounts = volumeMounts(ctx);
  return c;
}
