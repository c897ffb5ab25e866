import { Command, Option } from 'commander';

/** The settings of the proxy injector, from flags and environment. */
export interface InjectorAppOptions {
  /** Webhook listen address (`:8443`). */
  readonly addr: string;
  /** Admin listen address for metrics and probes (`:9995`). */
  readonly adminAddr: string;
  /** Kubeconfig file; in-cluster or `$KUBECONFIG` when absent. */
  readonly kubeconfig?: string;
  /** Namespace of the control plane. */
  readonly controllerNamespace: string;
  /** Serving certificate (mounted Secret). */
  readonly tlsCert: string;
  /** Serving key (mounted Secret). */
  readonly tlsKey: string;
  /** Helm values of the installation (the `linkerd-config` ConfigMap's `values`). */
  readonly values: string;
  /** Identity of the tap service; when set, the tap injector is served at `/tap-inject`. */
  readonly tapServiceName?: string;
  /** Log filter (`info`, `warn,skein=debug`). */
  readonly logLevel: string;
  /** `plain` or `json`. */
  readonly logFormat: 'plain' | 'json';
}

/**
 * Parses the command line; each flag can also come from a `SKEIN_PROXY_INJECTOR_*` variable.
 * Commander prints usage errors and exits 1.
 */
export function parseOptions(argv: readonly string[], version: string): InjectorAppOptions {
  const env = (name: string) => `SKEIN_PROXY_INJECTOR_${name}`;
  const program = new Command('skein-proxy-injector')
    .description('Mutating admission webhook that injects the Skein (Linkerd-compatible) proxy into pods.')
    .version(version)
    .addOption(new Option('--addr <addr>', 'webhook listen address').env(env('ADDR')).default(':8443'))
    .addOption(
      new Option('--admin-addr <addr>', 'metrics and probes listen address')
        .env(env('ADMIN_ADDR'))
        .default(':9995'),
    )
    .addOption(
      new Option(
        '--kubeconfig <file>',
        'kubeconfig (default: $KUBECONFIG, ~/.kube/config, or in-cluster)',
      ).env(env('KUBECONFIG')),
    )
    .addOption(
      new Option('--controller-namespace <namespace>', 'control-plane namespace')
        .env('LINKERD_NAMESPACE')
        .default('linkerd'),
    )
    .addOption(
      new Option('--tls-cert <file>', 'serving certificate')
        .env(env('TLS_CERT'))
        .default('/var/run/linkerd/tls/tls.crt'),
    )
    .addOption(
      new Option('--tls-key <file>', 'serving key')
        .env(env('TLS_KEY'))
        .default('/var/run/linkerd/tls/tls.key'),
    )
    .addOption(
      new Option('--values <file>', 'Helm values of the installation')
        .env(env('VALUES'))
        .default('/var/run/linkerd/config/values'),
    )
    .addOption(
      new Option(
        '--tap-service-name <identity>',
        'serve the tap injector at /tap-inject, allowing this identity to tap meshed pods (e.g. linkerd-tap.linkerd.serviceaccount.identity.linkerd.cluster.local)',
      ).env(env('TAP_SERVICE_NAME')),
    )
    .addOption(new Option('--log-level <filter>', 'log filter').env(env('LOG_LEVEL')).default('info'))
    .addOption(
      new Option('--log-format <format>', 'log format')
        .choices(['plain', 'json'])
        .env(env('LOG_FORMAT'))
        .default('plain'),
    );
  program.parse(argv, { from: 'user' });
  return program.opts<InjectorAppOptions>();
}
