import type { Duplex } from 'node:stream';
import { createServer, type SecureContext, type Server, TLSSocket, type TlsOptions } from 'node:tls';
import type { WorkloadCredentials } from '../client/workload-credentials.js';
import { IdentityError, IdentityErrorCode } from '../errors.js';
import { verifyClientCertificate } from './peer-verification.js';
import { DEFAULT_MESH_ALPN } from './tls-settings.js';

/** Where the TLS code reads the current credentials from; a `WorkloadIdentity` is one. */
export interface CredentialsSource {
  /** The current credentials, `undefined` until the first certificate. */
  readonly current: WorkloadCredentials | undefined;
}

/** Options of {@link MeshTlsServer}. */
export interface MeshTlsServerOptions {
  /** ALPN protocols offered, in preference order. Default: `transport.l5d.io/v1`, `h2`. */
  alpnProtocols?: readonly string[];
  /** Fail a handshake that takes longer (ms). Default: 10 s. */
  handshakeTimeoutMs?: number;
}

/** A terminated mTLS connection. */
export interface AcceptedConnection {
  /** The decrypted stream. */
  readonly socket: TLSSocket;
  /** The client's identity (first SAN of its verified certificate), or `undefined` without a client certificate. */
  readonly peerIdentity: string | undefined;
  /** The negotiated ALPN protocol, or `false`. */
  readonly alpnProtocol: string | false;
  /** The SNI the client sent, if any. */
  readonly serverName: string | undefined;
}

function notCertified(): IdentityError {
  return new IdentityError(
    IdentityErrorCode.NotCertified,
    'TLS refused: no certificate has been obtained yet',
  );
}

/**
 * The credentials to present now: none before the first certificate, and none once it has
 * expired (a refresh that keeps failing must fail closed, not serve an expired certificate).
 */
function presentable(source: CredentialsSource): WorkloadCredentials {
  const current = source.current;
  if (current === undefined) throw notCertified();
  if (current.validUntil.getTime() <= Date.now()) {
    throw new IdentityError(
      IdentityErrorCode.Expired,
      `TLS refused: the certificate of ${current.localName} expired at ${current.validUntil.toISOString()}`,
    );
  }
  return current;
}

/**
 * The inbound side of mesh TLS: TLS 1.3 only, always presenting the current certificate (a new
 * certificate applies to the next handshake; open connections keep theirs), optional client
 * certificates verified against the anchors, the client identity taken from the first SAN.
 *
 * @example
 * ```ts
 * const tlsServer = new MeshTlsServer(identity);            // identity: WorkloadIdentity
 * net.createServer(async (tcp) => {
 *   // after peeking a ClientHello whose SNI is our name: tcp.unshift(peeked) first
 *   const conn = await tlsServer.accept(tcp);               // rejects: plaintext, bad cert, not certified
 *   conn.socket.pipe(app);                                  // conn.peerIdentity → l5d-client-id
 * });
 * ```
 */
export class MeshTlsServer {
  readonly #source: CredentialsSource;
  readonly #alpn: string[];
  readonly #timeoutMs: number;

  constructor(source: CredentialsSource, options: MeshTlsServerOptions = {}) {
    this.#source = source;
    this.#alpn = [...(options.alpnProtocols ?? DEFAULT_MESH_ALPN)];
    this.#timeoutMs = options.handshakeTimeoutMs ?? 10_000;
  }

  /** The secure context of the current certificate. @throws {@link IdentityError} (`NOT_CERTIFIED`) before the first, (`EXPIRED`) once it has expired. */
  secureContext(): SecureContext {
    return presentable(this.#source).serverContext;
  }

  /**
   * Options for `new tls.TLSSocket(socket, options)` with the current certificate, for callers
   * that drive the socket themselves (then call {@link MeshTlsServer.verifyPeer} on `secure`).
   */
  socketOptions(): ConstructorParameters<typeof TLSSocket>[1] & { isServer: true } {
    return {
      isServer: true,
      secureContext: this.secureContext(),
      requestCert: true,
      rejectUnauthorized: false,
      ALPNProtocols: this.#alpn,
    };
  }

  /**
   * Options for `tls.createServer`: an `SNICallback` handing out the current context, so the
   * server follows rotation. Clients without SNI get no certificate and fail (mesh clients always send SNI).
   */
  serverOptions(): TlsOptions {
    return {
      minVersion: 'TLSv1.3',
      requestCert: true,
      rejectUnauthorized: false,
      ALPNProtocols: this.#alpn,
      SNICallback: (_name, cb) => {
        let context: SecureContext;
        try {
          context = presentable(this.#source).serverContext;
        } catch (err) {
          cb(err as Error, undefined);
          return;
        }
        cb(null, context);
      },
    };
  }

  /**
   * Verifies the client certificate of a handshaken socket and returns the client identity
   * (first SAN; `undefined` without a certificate). @throws {@link IdentityError} when the certificate is not trusted.
   */
  verifyPeer(socket: TLSSocket): string | undefined {
    const current = this.#source.current;
    if (current === undefined) throw notCertified();
    return verifyClientCertificate(socket, current.trustAnchors, current.intermediates).identity;
  }

  /**
   * Terminates TLS on a connected stream whose bytes were not consumed (or were put back with
   * `unshift`). Resolves once the handshake is done and the client certificate, if any, verified.
   * @throws {@link IdentityError}: `NOT_CERTIFIED` before the first certificate, `EXPIRED` after it
   * expired, `HANDSHAKE` for a
   * failed or timed-out handshake (plaintext client, TLS < 1.3), `CHAIN` for an untrusted client certificate.
   */
  accept(stream: Duplex): Promise<AcceptedConnection> {
    let options: ReturnType<MeshTlsServer['socketOptions']>;
    try {
      options = this.socketOptions();
    } catch (err) {
      stream.destroy();
      return Promise.reject(err);
    }
    const socket = new TLSSocket(stream, options);
    return new Promise<AcceptedConnection>((resolve, reject) => {
      const fail = (err: Error) => {
        clearTimeout(timer);
        socket.destroy();
        reject(err);
      };
      const timer = setTimeout(
        () =>
          fail(
            new IdentityError(
              IdentityErrorCode.Handshake,
              `TLS handshake timed out after ${this.#timeoutMs}ms`,
            ),
          ),
        this.#timeoutMs,
      );
      const onError = (err: Error) =>
        fail(
          new IdentityError(IdentityErrorCode.Handshake, `TLS handshake failed: ${err.message}`, {
            cause: err,
          }),
        );
      socket.once('error', onError);
      socket.once('close', () => onError(new Error('connection closed during the handshake')));
      socket.once('secure', () => {
        socket.off('error', onError);
        socket.removeAllListeners('close');
        clearTimeout(timer);
        // What tls.Server does for its connections: a TLSSocket made by hand keeps
        // `secureConnecting` true, and node:http2 would then wait forever for a 'secureConnect'
        // event before using the socket.
        (socket as TLSSocket & { secureConnecting: boolean }).secureConnecting = false;
        let identity: string | undefined;
        try {
          identity = this.verifyPeer(socket);
        } catch (err) {
          socket.destroy();
          reject(err);
          return;
        }
        resolve({
          socket,
          peerIdentity: identity,
          alpnProtocol: socket.alpnProtocol ?? false,
          serverName: typeof socket.servername === 'string' ? socket.servername : undefined,
        });
      });
    });
  }
}

/**
 * A `tls.Server` for mesh TLS that follows rotation, verifies client certificates and passes
 * only accepted connections to `onConnection`; refused ones go to `onRejected`.
 */
export function createMeshTlsServer(
  source: CredentialsSource,
  onConnection: (connection: AcceptedConnection) => void,
  options: MeshTlsServerOptions & { onRejected?: (err: Error, socket: TLSSocket | Duplex) => void } = {},
): Server {
  const mesh = new MeshTlsServer(source, options);
  const onRejected = options.onRejected ?? (() => {});
  const server = createServer(
    { ...mesh.serverOptions(), handshakeTimeout: options.handshakeTimeoutMs ?? 10_000 },
    (socket) => {
      let identity: string | undefined;
      try {
        identity = mesh.verifyPeer(socket);
      } catch (err) {
        socket.destroy();
        onRejected(err as Error, socket);
        return;
      }
      onConnection({
        socket,
        peerIdentity: identity,
        alpnProtocol: socket.alpnProtocol ?? false,
        serverName: typeof socket.servername === 'string' ? socket.servername : undefined,
      });
    },
  );
  server.on('tlsClientError', (err, socket) =>
    onRejected(
      new IdentityError(IdentityErrorCode.Handshake, `TLS handshake failed: ${err.message}`, { cause: err }),
      socket,
    ),
  );
  return server;
}
