import type { InstallConfig } from '../values/install-config.js';

/**
 * The values stored in `linkerd-config` (key `values`): every resolved value the components and
 * a later `skein upgrade` need, without private keys and without the certificates that live in
 * their own Secrets.
 */
export function publicValues(config: InstallConfig): Record<string, unknown> {
  const { extra, identity, ...injectValues } = structuredClone(config.values);
  const cp = structuredClone(config.controlPlane);
  const webhook = (w: typeof cp.profileValidator) => {
    const { crtPEM: _crt, keyPEM: _key, caBundle, objectSelector, ...rest } = w;
    return {
      ...rest,
      ...(objectSelector === undefined ? {} : { objectSelector }),
      ...(w.externalSecret ? { caBundle } : {}),
    };
  };
  const { tls: _tls, ...issuer } = cp.identity.issuer;
  return {
    ...extra,
    ...injectValues,
    ...cp,
    identity: { ...identity, issuer },
    proxyInjector: { ...webhook(cp.proxyInjector), timeoutSeconds: cp.proxyInjector.timeoutSeconds },
    profileValidator: webhook(cp.profileValidator),
    identityTrustAnchorsPEM: config.identity.trustAnchorsPem,
  };
}
