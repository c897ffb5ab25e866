/**
 * Names of the rendered resources. The core components keep Linkerd's names, because injected
 * proxies address them by those names (`linkerd-dst-headless`, `linkerd-identity-headless`,
 * `linkerd-destination.<ns>.serviceaccount.identity…`); Skein's bundled viz components take the
 * names Linkerd used when they lived in the control-plane namespace (2.9).
 */
export const ResourceName = {
  config: 'linkerd-config',
  configOverrides: 'linkerd-config-overrides',
  trustRoots: 'linkerd-identity-trust-roots',
  issuerSecret: 'linkerd-identity-issuer',
  destination: 'linkerd-destination',
  dstService: 'linkerd-dst',
  dstHeadless: 'linkerd-dst-headless',
  policy: 'linkerd-policy',
  spValidator: 'linkerd-sp-validator',
  spValidatorSecret: 'linkerd-sp-validator-k8s-tls',
  spValidatorWebhook: 'linkerd-sp-validator-webhook-config',
  identity: 'linkerd-identity',
  identityHeadless: 'linkerd-identity-headless',
  proxyInjector: 'linkerd-proxy-injector',
  proxyInjectorSecret: 'linkerd-proxy-injector-k8s-tls',
  proxyInjectorWebhook: 'linkerd-proxy-injector-webhook-config',
  /** Linkerd viz's name; served by the proxy injector at {@link WebhookPath}.tapInjector. */
  tapInjectorWebhook: 'linkerd-tap-injector-webhook-config',
  controller: 'linkerd-controller',
  tap: 'linkerd-tap',
  web: 'linkerd-web',
  prometheus: 'linkerd-prometheus',
  prometheusConfig: 'linkerd-prometheus-config',
  grafanaDashboards: 'linkerd-grafana-dashboards',
  heartbeat: 'linkerd-heartbeat',
} as const;

/** Paths the proxy injector serves its webhooks at. */
export const WebhookPath = {
  proxyInjector: '/',
  tapInjector: '/tap-inject',
} as const;

/** Control-plane components, as in the `linkerd.io/control-plane-component` label. */
export type ComponentName =
  | 'destination'
  | 'identity'
  | 'proxy-injector'
  | 'controller'
  | 'tap'
  | 'web'
  | 'prometheus'
  | 'heartbeat';

/** The Skein app (image name) of each component's main container. */
export const COMPONENT_APPS: Readonly<Record<ComponentName, string>> = {
  destination: 'destination',
  identity: 'identity',
  'proxy-injector': 'proxy-injector',
  controller: 'controller',
  tap: 'tap',
  web: 'web',
  prometheus: 'prometheus',
  heartbeat: 'heartbeat',
};

/** Ports of the control plane (Linkerd's where Linkerd has them). */
export const Port = {
  destinationGrpc: 8086,
  destinationAdmin: 9996,
  policyGrpc: 8090,
  spValidator: 8443,
  spValidatorAdmin: 9997,
  identityGrpc: 8080,
  identityAdmin: 9990,
  proxyInjector: 8443,
  proxyInjectorAdmin: 9995,
  controllerApi: 8085,
  tapApi: 8088,
  web: 8084,
  prometheus: 9090,
  webhookService: 443,
} as const;
