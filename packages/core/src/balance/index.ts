export {
  type BalancedEndpoint,
  Balancer,
  type BalancerOptions,
  type EndpointContext,
  type Picked,
} from './balancer.js';
export { applyEndpointUpdate, type EndpointUpdate } from './endpoint-update.js';
export type {
  Candidate,
  EndpointLoad,
  LoadStrategy,
  StrategyFactory,
  StrategyOptions,
} from './load-strategy.js';
export { PeakEwma, type PeakEwmaOptions } from './peak-ewma.js';
export { balancerNames, createStrategy, registerBalancer } from './registry.js';
export { sameDescriptor } from './same-descriptor.js';
export { p2cPeakEwma, p2cPending, p2cPick, roundRobin } from './strategies.js';
