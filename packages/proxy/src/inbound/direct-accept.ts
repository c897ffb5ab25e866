import type { Logger } from '@skein/core';
import { readClientHello } from '../detect/read-client-hello.js';
import type { ProxyIdentity } from '../identity/proxy-identity.js';
import type { ConnectionHandler } from '../transport/listener.js';
import type { inboundDirect } from './direct.js';

/**
 * Accepts a connection made to the inbound port itself: it must be TLS for this proxy's
 * identity; once terminated (client certificate verified), the direct path reads the transport
 * header. Anything else is closed.
 */
export function directAcceptor(options: {
  identity: ProxyIdentity | undefined;
  detectTimeoutMs: number;
  direct: ReturnType<typeof inboundDirect>;
  logger: Logger;
}): ConnectionHandler {
  return (socket, info, accepted) => {
    const identity = options.identity;
    if (identity === undefined) {
      options.logger.debug({ peer: info.remote }, 'direct connection refused: no identity');
      socket.destroy();
      return;
    }
    readClientHello(socket, options.detectTimeoutMs).then(
      (hello) => {
        if (hello.kind !== 'client-hello' || hello.sni !== identity.localName) {
          options.logger.info(
            {
              peer: info.remote,
              hello: hello.kind,
              sni: hello.kind === 'client-hello' ? hello.sni : undefined,
            },
            'direct connections must be mutually authenticated',
          );
          socket.destroy();
          return;
        }
        identity.server.accept(socket).then(
          (conn) => {
            info.tls = { kind: 'mtls', clientId: conn.peerIdentity, serverName: identity.localName };
            options.direct(conn.socket, info, accepted, conn.alpnProtocol);
          },
          (err: Error) => options.logger.info({ peer: info.remote, err: err.message }, 'direct mTLS refused'),
        );
      },
      () => socket.destroy(),
    );
  };
}
