/**
 * `@skein/tap`: live request events from Skein proxies — the in-proxy tap hub and Tap.Observe
 * server, the control-plane aggregator, and `tap`/`top` rendering.
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
export {
  identityFromSubjectAltName,
  isLoopback,
  parseGrpcPeer,
  type TapAuthorizer,
  type TapPeer,
  tapServiceAuthorizer,
} from './server/tap-authorization.js';
export {
  headersMessage,
  requestInitEvent,
  responseEndEvent,
  responseInitEvent,
  type TapEventMessage,
} from './server/tap-event-encoding.js';
export { compileTapMatch, type TapMatcher } from './server/tap-match.js';
export { startTapServer, type TapServer, type TapServerOptions } from './server/tap-server.js';
export {
  type TapEventSink,
  TapSubscription,
  type TapSubscriptionOptions,
} from './server/tap-subscription.js';
export {
  TapErrorCode,
  TapNotFoundError,
  TapRequestError,
  TapUnauthorizedError,
} from './tap-errors.js';
