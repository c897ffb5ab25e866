import type { Socket } from 'node:net';
import type { Logger } from '@skein/core';
import type * as Proto from '@skein/core/proto';
import { type ServeHttpOptions, serveHttp } from '../http/serve-http.js';
import type { ConnectionInfo, SocketAddr } from '../transport/connection-info.js';
import type { Connector } from '../transport/connector.js';
import type { AcceptedConnection } from '../transport/listener.js';
import { transportHeaderCodec } from '../transport/transport-header.js';
import { type ForwardAppOptions, forwardToApp } from './forward-app.js';

/** What the direct (transport header) path needs. */
export interface InboundDirectOptions extends ForwardAppOptions {
  /** The header must arrive within this many ms (the inbound detect timeout). */
  timeoutMs: number;
  /** How HTTP sessions are served (no detection: the header names the protocol). */
  http: ServeHttpOptions;
  /** Opens a TCP connection to the application. */
  tcpConnect: (dst: SocketAddr) => Connector;
  /** The proxy's own ports (listeners, admin, tap): a header naming one is a loop, refused. */
  ownPorts?: ReadonlySet<number>;
  /** Logger. */
  logger: Logger;
}

/**
 * The inbound "direct" path (spec §2.5): a connection to the inbound port itself, made by a
 * peer proxy for an opaque-transport endpoint. It must be mTLS with a client identity and have
 * negotiated ALPN `transport.l5d.io/v1`; then the transport header says which local port to
 * deliver to and, for HTTP, which protocol follows (served without detection). Gateway headers
 * (with a name) are not supported and are refused.
 */
export function inboundDirect(
  options: InboundDirectOptions,
): (socket: Socket, info: ConnectionInfo, accepted: AcceptedConnection, alpn: string | false) => void {
  return (socket: Socket, info: ConnectionInfo, accepted: AcceptedConnection, alpn: string | false): void => {
    const tls = info.tls;
    if (tls.kind !== 'mtls' || tls.clientId === undefined) {
      options.logger.info({ peer: info.remote }, 'direct connections must be mutually authenticated');
      socket.destroy();
      return;
    }
    if (alpn !== 'transport.l5d.io/v1') {
      options.logger.info({ peer: info.remote }, 'direct connections require transport header negotiation');
      socket.destroy();
      return;
    }
    const readHeader = (decoder: InstanceType<typeof Proto.TransportHeaderDecoder>): void => {
      const timer = setTimeout(() => {
        options.logger.info({ peer: info.remote }, 'transport header not received in time');
        socket.destroy();
      }, options.timeoutMs);
      const onData = (chunk: Buffer) => {
        let result: ReturnType<Proto.TransportHeaderDecoder['push']>;
        try {
          result = decoder.push(chunk);
        } catch (err) {
          clearTimeout(timer);
          options.logger.info({ peer: info.remote, err: (err as Error).message }, 'invalid transport header');
          socket.destroy();
          return;
        }
        if (!result.done) return;
        clearTimeout(timer);
        socket.off('data', onData);
        socket.off('end', onEnd);
        socket.pause();
        const header = result.header;
        if (header.name !== undefined && header.name !== '') {
          options.logger.info({ name: header.name }, 'gateway transport headers are not supported');
          socket.destroy();
          return;
        }
        if (options.ownPorts?.has(header.port) === true) {
          options.logger.info(
            { port: header.port, peer: info.remote },
            'transport header names a proxy port; refused',
          );
          socket.destroy();
          return;
        }
        const target: SocketAddr = { ip: info.local.ip, port: header.port };
        info.originalDst = target;
        const rest = result.rest.length > 0 ? result.rest : undefined;
        if (header.sessionProtocol === 'http1' || header.sessionProtocol === 'http2') {
          serveHttp(
            header.sessionProtocol === 'http1' ? 'http1' : 'h2',
            socket,
            accepted,
            rest,
            options.http,
          );
          return;
        }
        forwardToApp(socket, info, target, rest, options);
      };
      const onEnd = () => {
        clearTimeout(timer);
        socket.destroy();
      };
      socket.on('data', onData);
      socket.on('end', onEnd);
      socket.resume();
    };
    transportHeaderCodec().then(
      ({ TransportHeaderDecoder }) => readHeader(new TransportHeaderDecoder()),
      () => socket.destroy(),
    );
  };
}
