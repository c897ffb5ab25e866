/**
 * `@skein/tap/hub`: the meeting point between a proxy's data path and tap observers, without
 * the Tap gRPC server or the aggregator — what the proxy imports on its request path.
 *
 * @packageDocumentation
 */
export type {
  TapAddr,
  TapDirection,
  TapEnd,
  TapObserver,
  TapRequest,
  TapResponse,
  TapStreamObserver,
} from './tap-events.js';
export { TapHub } from './tap-hub.js';
