/**
 * `@skein/tap`: live request events from Skein proxies.
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
} from './hub/tap-events.js';
export { TapHub } from './hub/tap-hub.js';
