import { ConfigError } from '../errors/errors.js';
import type { LoadStrategy, StrategyFactory, StrategyOptions } from './load-strategy.js';
import { p2cPeakEwma, p2cPending, roundRobin } from './strategies.js';

/**
 * Balancer strategies by name. A registry is the one piece of shared state Skein keeps on
 * purpose: it is how plugins make a strategy selectable by name from configuration.
 */
const registry = new Map<string, StrategyFactory>([
  ['p2c-peak-ewma', p2cPeakEwma],
  ['p2c-pending', p2cPending],
  ['round-robin', roundRobin],
]);

/**
 * Registers a balancer strategy under `name`, replacing any earlier one. Built-ins:
 * `p2c-peak-ewma` (the default), `p2c-pending` and `round-robin`.
 *
 * @example
 * ```ts
 * registerBalancer('first-ready', () => ({
 *   name: 'first-ready',
 *   newLoad: () => ({ cost: () => 0, start() {}, end() {} }),
 *   pick: () => 0,
 * }));
 * ```
 */
export function registerBalancer(name: string, factory: StrategyFactory): void {
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(name)) {
    throw new ConfigError('balancer name', name, 'lowercase letters, digits, ".", "_" or "-"');
  }
  registry.set(name, factory);
}

/** Names of the registered strategies, sorted. */
export function balancerNames(): string[] {
  return [...registry.keys()].sort();
}

/** Creates the strategy registered as `name`; throws {@link ConfigError} listing the known names. */
export function createStrategy(name: string, options: StrategyOptions = {}): LoadStrategy {
  const factory = registry.get(name);
  if (factory === undefined) {
    throw new ConfigError('balancer', name, `one of ${balancerNames().join(', ')}`);
  }
  return factory(options);
}
