import { ConfigError, type Logger, nullLogger, registerBalancer, type StrategyFactory } from '@skein/core';
import type { Interceptor } from '../http/types.js';
import type { RenderableMetrics } from '../metrics/proxy-metrics.js';

/**
 * A proxy plugin: a module whose default export is a `ProxyPlugin` (or a function of a
 * {@link PluginContext} returning one, or a Promise of one). Plugins add request layers and balancer strategies through the same interfaces the
 * built-in ones use. Load them with `SKEIN_PROXY_PLUGINS=<module>[,<module>…]` (module
 * specifiers or file paths, imported in order).
 *
 * @example
 * ```ts
 * // add-header-plugin.mjs
 * export default {
 *   name: 'add-header',
 *   outbound: [(next) => ({ dispatch(req, handler) { req.headers.push('x-via', 'skein'); next.dispatch(req, handler); } })],
 * };
 * ```
 */
export interface ProxyPlugin {
  /** A name for logs and errors. */
  readonly name: string;
  /** Layers for outbound HTTP requests, applied in order (the last is outermost). */
  readonly outbound?: readonly Interceptor[];
  /** Layers for inbound HTTP requests, applied in order (the last is outermost). */
  readonly inbound?: readonly Interceptor[];
  /** Balancer strategies to register by name (select one with `SKEIN_PROXY_BALANCER`). */
  readonly balancers?: Readonly<Record<string, StrategyFactory>>;
}

/**
 * What a plugin module's default-export function is called with: the proxy's logger (quiet
 * libraries log through it) and a way to add metrics to `/metrics`.
 */
export interface PluginContext {
  /** A logger for the plugin (its `target` names the plugin module). */
  readonly logger: Logger;
  /** Adds a group of metrics, rendered after the proxy's own on `/metrics`. */
  addMetrics(metrics: RenderableMetrics): void;
}

/** What {@link loadPlugins} returns, ready to pass to `SkeinProxy.start`. */
export interface LoadedPlugins {
  /** Every plugin's outbound layers, in load order. */
  outboundInterceptors: Interceptor[];
  /** Every plugin's inbound layers, in load order. */
  inboundInterceptors: Interceptor[];
  /** The plugins' names. */
  names: string[];
  /** Metrics the plugins added (pass to `SkeinProxy.start` as `extraMetrics`). */
  extraMetrics: RenderableMetrics[];
}

/**
 * Imports plugin modules and collects their layers; balancer strategies are registered. A
 * module that cannot be imported or does not export a plugin fails with a `ConfigError` (from `@skein/core`)
 * naming it.
 */
export async function loadPlugins(specifiers: readonly string[], logger?: Logger): Promise<LoadedPlugins> {
  const out: LoadedPlugins = {
    outboundInterceptors: [],
    inboundInterceptors: [],
    names: [],
    extraMetrics: [],
  };
  for (const spec of specifiers) {
    let mod: { default?: unknown };
    try {
      mod = (await import(spec.startsWith('/') ? `file://${spec}` : spec)) as { default?: unknown };
    } catch (err) {
      throw new ConfigError('SKEIN_PROXY_PLUGINS', spec, `an importable module (${(err as Error).message})`, {
        cause: err,
      });
    }
    const context: PluginContext = {
      logger: (logger ?? nullLogger).child({ target: `skein::proxy::plugin::${spec}` }),
      addMetrics: (m) => {
        out.extraMetrics.push(m);
      },
    };
    const exported =
      typeof mod.default === 'function'
        ? (mod.default as (c: PluginContext) => unknown)(context)
        : mod.default;
    const plugin = (await exported) as ProxyPlugin | undefined;
    if (
      plugin === undefined ||
      plugin === null ||
      typeof plugin !== 'object' ||
      typeof plugin.name !== 'string'
    ) {
      throw new ConfigError(
        'SKEIN_PROXY_PLUGINS',
        spec,
        'a module whose default export is a ProxyPlugin { name, outbound?, inbound?, balancers? }',
      );
    }
    for (const [name, factory] of Object.entries(plugin.balancers ?? {})) registerBalancer(name, factory);
    out.outboundInterceptors.push(...(plugin.outbound ?? []));
    out.inboundInterceptors.push(...(plugin.inbound ?? []));
    out.names.push(plugin.name);
    logger?.info({ plugin: plugin.name, module: spec }, 'plugin loaded');
  }
  return out;
}
