/**
 * `@skein/tap`: live request events from Skein proxies — the in-proxy tap hub and Tap.Observe
 * server, the control-plane aggregator, and `tap`/`top` rendering.
 *
 * @packageDocumentation
 */
export { DEFAULT_TAP_IGNORED_HEADERS } from './aggregate/sensitive-headers.js';
export { TapAggregator, type TapAggregatorOptions } from './aggregate/tap-aggregator.js';
export { tapEventRecord } from './aggregate/tap-event-decoding.js';
export type {
  TapEventRecord,
  TapPeerRecord,
  TapRequestInitRecord,
  TapResponseEndRecord,
  TapResponseInitRecord,
} from './aggregate/tap-event-record.js';
export {
  DEFAULT_TAP_MAX_RPS,
  rpsPerPod,
  type TapByResourceRequest,
  tapMatchFor,
} from './aggregate/tap-request.js';
export {
  staticTapPolicy,
  type TapAccessPolicy,
  type TapCaller,
  type TapPod,
  type TapTarget,
  type TapTargetResolver,
} from './aggregate/tap-target.js';
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
export { peerResource, shortKind } from './render/resource-names.js';
export { grpcStatusName, renderTapJson, renderTapLine } from './render/tap-lines.js';
export { formatLatencyUs, renderTopTable, type TopRow, TopTable } from './render/top-table.js';
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
