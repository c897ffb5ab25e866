import { isValidDnsName } from './dns-name.js';
import { transport } from './gen/linkerd.js';
import { InvalidProtoValueError, TransportHeaderError } from './proto-errors.js';

const HeaderMessage = transport.l5d.io.Header;

/** The ALPN protocol after which a transport header is sent (spec §1.10). */
export const TRANSPORT_HEADER_ALPN = 'transport.l5d.io/v1';
/** The 23-byte ASCII preface that starts every transport header. */
export const TRANSPORT_HEADER_PREFACE = 'transport.l5d.io/v1\r\n\r\n';
/** The largest protobuf `Header` a reader accepts, in bytes (64 KiB). */
export const TRANSPORT_HEADER_MAX_LENGTH = 65_536;

/** @internal The preface as bytes, shared by the encoder and the decoder. */
export const PREFACE_BYTES: Readonly<Buffer> = Buffer.from(TRANSPORT_HEADER_PREFACE, 'ascii');
/** @internal Preface plus the u32 length. */
export const PREFIX_LENGTH = PREFACE_BYTES.length + 4;

/** The session protocol a transport header can name. */
export type SessionProtocolName = 'http1' | 'http2';

/** A transport header's content: where the peer's proxy should send the bytes that follow. */
export interface TransportHeader {
  /** The target port, 1..65535. */
  readonly port: number;
  /** The target DNS name; `undefined` (sent as the empty string) means none. */
  readonly name?: string | undefined;
  /** The protocol of the session that follows, when it is not opaque. */
  readonly sessionProtocol?: SessionProtocolName | undefined;
}

/** @internal The rule of spec §1.10 that `port` and `name` break, if any. */
export function transportHeaderViolation(port: number, name: string): TransportHeaderError | undefined {
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    return new TransportHeaderError('port', `port ${port} is not in 1..65535`);
  }
  if (name !== '' && !isValidDnsName(name)) {
    return new TransportHeaderError('name', `name ${JSON.stringify(name)} is not a valid DNS name`);
  }
  return undefined;
}

/**
 * Encodes a transport header: the preface, the protobuf length as a big-endian u32, then the
 * protobuf `transport.l5d.io.Header`. Write it before the application's bytes.
 * @throws {@link TransportHeaderError} when the port or name breaks the rules a reader enforces.
 */
export function encodeTransportHeader(header: TransportHeader): Buffer {
  const name = header.name ?? '';
  const violation = transportHeaderViolation(header.port, name);
  if (violation) throw violation;
  const protocol = header.sessionProtocol;
  if (protocol !== undefined && protocol !== 'http1' && protocol !== 'http2') {
    throw new InvalidProtoValueError(
      'TransportHeader.sessionProtocol',
      String(protocol),
      "'http1', 'http2' or undefined",
    );
  }
  const body = HeaderMessage.encode({
    port: header.port,
    name,
    sessionProtocol: protocol === 'http1' ? { http1: {} } : protocol === 'http2' ? { http2: {} } : null,
  }).finish();
  if (body.length > TRANSPORT_HEADER_MAX_LENGTH) {
    throw new TransportHeaderError(
      'length',
      `encoded header is ${body.length} bytes, over ${TRANSPORT_HEADER_MAX_LENGTH}`,
    );
  }
  const out = Buffer.allocUnsafe(PREFIX_LENGTH + body.length);
  PREFACE_BYTES.copy(out, 0);
  out.writeUInt32BE(body.length, PREFACE_BYTES.length);
  out.set(body, PREFIX_LENGTH);
  return out;
}
