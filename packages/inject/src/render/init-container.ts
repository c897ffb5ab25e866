import { InjectedName } from '../annotations/names.js';
import type { Container } from '../k8s/types.js';
import { imageRef, type RenderContext } from './render-context.js';
import { renderResources } from './resources.js';

const NET_CAPS = new Set(['NET_ADMIN', 'NET_RAW']);

function initArgs(ctx: RenderContext): string[] {
  const v = ctx.values;
  const p = v.proxy;
  const init = v.proxyInit;
  const args: string[] = [];
  if (init.iptablesMode === 'nft') {
    args.push('--firewall-bin-path', 'iptables-nft', '--firewall-save-bin-path', 'iptables-nft-save');
  }
  if (v.disableIPv6) args.push('--ipv6=false');
  args.push(
    '--incoming-proxy-port',
    String(p.ports.inbound),
    '--outgoing-proxy-port',
    String(p.ports.outbound),
    '--proxy-uid',
    String(p.uid),
  );
  if (p.gid >= 0) args.push('--proxy-gid', String(p.gid));
  const ignoredInbound = init.ignoreInboundPorts === '' ? '' : `,${init.ignoreInboundPorts}`;
  args.push('--inbound-ports-to-ignore', `${p.ports.control},${p.ports.admin}${ignoredInbound}`);
  if (init.ignoreOutboundPorts !== '') args.push('--outbound-ports-to-ignore', init.ignoreOutboundPorts);
  if (init.closeWaitTimeoutSecs > 0)
    args.push('--timeout-close-wait-secs', String(init.closeWaitTimeoutSecs));
  if (init.logFormat !== '') args.push('--log-format', init.logFormat);
  if (init.logLevel !== '') args.push('--log-level', init.logLevel);
  if (init.skipSubnets !== '') args.push('--subnets-to-ignore', init.skipSubnets);
  return args;
}

function initSecurityContext(ctx: RenderContext): Record<string, unknown> {
  const init = ctx.values.proxyInit;
  const elevated = init.closeWaitTimeoutSecs > 0 || init.privileged;
  const app = ctx.appCapabilities;
  const capabilities: Record<string, string[]> = { add: ['NET_ADMIN', 'NET_RAW', ...(app?.add ?? [])] };
  const drop = (app?.drop ?? []).filter((cap) => !NET_CAPS.has(cap));
  if (drop.length > 0) capabilities.drop = drop;
  const sc: Record<string, unknown> = {
    allowPrivilegeEscalation: elevated,
    capabilities,
    privileged: elevated,
  };
  if (init.runAsRoot) {
    sc.runAsGroup = 0;
    sc.runAsNonRoot = false;
    sc.runAsUser = 0;
  } else {
    sc.runAsGroup = init.runAsGroup === 0 ? 65534 : init.runAsGroup;
    sc.runAsNonRoot = true;
    sc.runAsUser = init.runAsUser === 0 ? 65534 : init.runAsUser;
  }
  sc.readOnlyRootFilesystem = true;
  sc.seccompProfile = { type: 'RuntimeDefault' };
  return sc;
}

/**
 * The `linkerd-init` container (Linkerd's `_proxy-init.tpl`): runs proxy-init from the proxy
 * image to install the iptables redirects, with NET_ADMIN/NET_RAW, as non-root by default.
 */
export function renderInitContainer(ctx: RenderContext): Container {
  const v = ctx.values;
  const p = v.proxy;
  const c: Container = {
    args: initArgs(ctx),
    command: ['/usr/lib/linkerd/linkerd2-proxy-init'],
    image: imageRef(p.image.name, p.image.version, v.linkerdVersion),
    imagePullPolicy: p.image.pullPolicy === '' ? v.imagePullPolicy : p.image.pullPolicy,
    name: InjectedName.init,
  };
  const resources = renderResources(p.resources);
  if (resources !== undefined) c.resources = resources;
  c.securityContext = initSecurityContext(ctx);
  c.terminationMessagePolicy = 'FallbackToLogsOnError';
  c.volumeMounts = [{ mountPath: v.proxyInit.xtMountPath.mountPath, name: v.proxyInit.xtMountPath.name }];
  // Linkerd gives proxy-init the app's service-account mount too (proxyInit.saMountPath).
  const sa = ctx.serviceAccountMount;
  if (sa !== undefined)
    c.volumeMounts.push({ mountPath: sa.mountPath, name: sa.name, readOnly: sa.readOnly === true });
  return c;
}

/**
 * The `linkerd-network-validator` container used instead of `linkerd-init` when the CNI plugin
 * sets up iptables: it checks that traffic is redirected before the proxy starts.
 */
export function renderNetworkValidator(ctx: RenderContext): Container {
  const v = ctx.values;
  const p = v.proxy;
  const nv = v.networkValidator;
  const connect =
    nv.connectAddr !== '' ? nv.connectAddr : v.disableIPv6 ? '1.1.1.1:20001' : '[fd00::1]:20001';
  const listen =
    nv.listenAddr !== ''
      ? nv.listenAddr
      : v.disableIPv6
        ? `0.0.0.0:${p.ports.outbound}`
        : `[::]:${p.ports.outbound}`;
  return {
    args: [
      '--log-format',
      nv.logFormat,
      '--log-level',
      nv.logLevel,
      '--connect-addr',
      connect,
      '--listen-addr',
      listen,
      '--timeout',
      nv.timeout,
    ],
    command: ['/usr/lib/linkerd/linkerd2-network-validator'],
    image: imageRef(p.image.name, p.image.version, v.linkerdVersion),
    imagePullPolicy: p.image.pullPolicy === '' ? v.imagePullPolicy : p.image.pullPolicy,
    name: InjectedName.networkValidator,
    securityContext: structuredClone(nv.securityContext),
  };
}
