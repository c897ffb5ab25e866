import { google, io, transport } from './gen/linkerd.js';

/**
 * The generated message classes, one namespace per proto package. Each class has `create`,
 * `encode`, `decode`, `fromObject`, `toObject`; field names are lowerCamelCase (`context_token`
 * is `contextToken`), 64-bit integers are `Long`, and a oneof is readable through its group name
 * (`update.update === 'add'`).
 */
export { google, io, transport };

/** `io.linkerd.proxy.destination`: Destination service messages (spec §1.3). */
import destination = io.linkerd.proxy.destination;
/** `io.linkerd.proxy.identity`: Identity service messages (spec §1.4). */
import identity = io.linkerd.proxy.identity;
/** `io.linkerd.proxy.tap`: Tap service messages (spec §1.5). */
import tap = io.linkerd.proxy.tap;
/** `io.linkerd.proxy.inbound`: InboundServerPolicies messages (spec §1.6). */
import inbound = io.linkerd.proxy.inbound;
/** `io.linkerd.proxy.outbound`: OutboundPolicies messages (spec §1.7). */
import outbound = io.linkerd.proxy.outbound;
/** `io.linkerd.proxy.net`: IP and TCP addresses (spec §1.2). */
import net = io.linkerd.proxy.net;
/** `io.linkerd.proxy.http_types`: HTTP methods, schemes and headers (spec §1.2). */
import httpTypes = io.linkerd.proxy.http_types;
/** `io.linkerd.proxy.meta`: resource metadata (spec §1.2). */
import meta = io.linkerd.proxy.meta;
/** `io.linkerd.proxy.http_route`: HTTP route matches and filters (spec §1.8). */
import httpRoute = io.linkerd.proxy.http_route;
/** `io.linkerd.proxy.grpc_route`: gRPC route matches and filters (spec §1.8). */
import grpcRoute = io.linkerd.proxy.grpc_route;
/** `io.linkerd.proxy.opaque_route`: opaque route filters (spec §1.8). */
import opaqueRoute = io.linkerd.proxy.opaque_route;
/** `io.linkerd.proxy.tls_route`: SNI matches (spec §1.8). */
import tlsRoute = io.linkerd.proxy.tls_route;
/** `transport.l5d.io`: the transport header message (spec §1.10). */
import transportHeader = transport.l5d.io;
/** `google.protobuf`: `Duration` and `Timestamp`. */
import wellKnown = google.protobuf;

export {
  destination,
  grpcRoute,
  httpRoute,
  httpTypes,
  identity,
  inbound,
  meta,
  net,
  opaqueRoute,
  outbound,
  tap,
  tlsRoute,
  transportHeader,
  wellKnown,
};

/** A generated message class: what the service definitions and codecs need from one. */
export interface MessageClass<Input, Output> {
  /** Encodes a message or plain object; `finish()` on the result gives the bytes. */
  encode(message: Input): { finish(): Uint8Array };
  /** Decodes bytes; throws on malformed input. */
  decode(bytes: Uint8Array): Output;
}

/** The type `decode` returns for a message class: the class instance with oneofs narrowed. */
export type Decoded<C extends { decode(bytes: Uint8Array): unknown }> = ReturnType<C['decode']>;

/** The plain-object input `encode` accepts for a message class. */
export type Encodable<C extends { encode(message: never): unknown }> = Parameters<C['encode']>[0];
