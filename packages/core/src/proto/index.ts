/**
 * `@skein/core/proto`: the linkerd2-proxy-api and transport-header protobufs as generated
 * protobufjs classes, grpc-js service definitions and clients for the five Linkerd services,
 * conversions between everyday values and proto messages, and the transport header codec.
 *
 * Kept apart from `@skein/core` so that importing the main entry does not load protobufjs.
 *
 * @packageDocumentation
 */

export { isValidDnsName } from './dns-name.js';
export { type DurationLike, durationFromMillis, durationToMillis } from './duration.js';
export {
  DestinationClient,
  IdentityClient,
  InboundServerPoliciesClient,
  type LinkerdClientConstructor,
  type LinkerdClientMethods,
  OutboundPoliciesClient,
  type ServerStreamingClientMethod,
  TapClient,
  type UnaryClientMethod,
} from './grpc-clients.js';
export type { LinkerdMethodDefinition } from './grpc-method.js';
export {
  DESTINATION_SERVICE,
  type DestinationHandlers,
  destinationService,
  IDENTITY_SERVICE,
  type IdentityHandlers,
  INBOUND_SERVER_POLICIES_SERVICE,
  type InboundServerPoliciesHandlers,
  identityService,
  inboundServerPoliciesService,
  OUTBOUND_POLICIES_SERVICE,
  type OutboundPoliciesHandlers,
  outboundPoliciesService,
  type ServerStreamingHandler,
  TAP_SERVICE,
  type TapHandlers,
  tapService,
  type UnaryHandler,
} from './grpc-services.js';
export {
  formatIpBytes,
  ipAddressFromBytes,
  ipAddressFromString,
  ipAddressToBytes,
  ipAddressToString,
  parseIpBytes,
} from './ip-address.js';
export { bigIntToLong, type Int64Like, longToBigInt, longToNumber } from './long-conversion.js';
export {
  type Decoded,
  destination,
  type Encodable,
  google,
  grpcRoute,
  httpRoute,
  httpTypes,
  identity,
  inbound,
  io,
  type MessageClass,
  meta,
  net,
  opaqueRoute,
  outbound,
  tap,
  tlsRoute,
  transport,
  transportHeader,
  wellKnown,
} from './messages.js';
export {
  ERR_SKEIN_TRANSPORT_HEADER,
  InvalidProtoValueError,
  TransportHeaderError,
  type TransportHeaderFault,
} from './proto-errors.js';
export {
  ipNetworkFromString,
  ipNetworkToString,
  tcpAddressFromParts,
  tcpAddressFromString,
  tcpAddressToString,
} from './tcp-address.js';
export { type TimestampLike, timestampFromDate, timestampToDate } from './timestamp.js';
export {
  encodeTransportHeader,
  type SessionProtocolName,
  TRANSPORT_HEADER_ALPN,
  TRANSPORT_HEADER_MAX_LENGTH,
  TRANSPORT_HEADER_PREFACE,
  type TransportHeader,
} from './transport-header.js';
export {
  decodeTransportHeader,
  type TransportHeaderDecodeResult,
  TransportHeaderDecoder,
} from './transport-header-decoder.js';
