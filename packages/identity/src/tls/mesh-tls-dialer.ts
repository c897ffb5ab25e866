import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect, type PeerCertificate, type TLSSocket } from 'node:tls';
import { IdentityError, IdentityErrorCode } from '../errors.js';
import type { TrustAnchors } from '../trust/trust-anchors.js';
import type { CredentialsSource } from './mesh-tls-server.js';
import { clientTlsContext, DEFAULT_MESH_ALPN } from './tls-settings.js';

/** Options of {@link MeshTlsDialer}. */
export interface MeshTlsDialerOptions {
  /** ALPN protocols offered by default. Default: `transport.l5d.io/v1`, `h2`. */
  alpnProtocols?: readonly string[];
  /** Fail a handshake that takes longer (ms). Default: 10 s. */
  handshakeTimeoutMs?: number;
  /**
   * Anchors for connections made before the first certificate with `anonymous: true` (e.g. to the
   * identity service). Default: none, so such connections fail.
   */
  trustAnchors?: TrustAnchors;
}

/** One connection to dial. Give `socket` (already connected) or `host` and `port`. */
export interface DialOptions {
  /** A connected stream to run TLS over (its bytes must not have been read). */
  socket?: Socket | Duplex;
  /** Host to connect to when no `socket` is given. */
  host?: string;
  /** Port to connect to when no `socket` is given. */
  port?: number;
  /** The SNI: the server name discovery gave (`server_name`). */
  serverName: string;
  /** The identity the server's certificate must carry. Default: `serverName` (Linkerd mode: they are equal). */
  serverIdentity?: string;
  /** ALPN protocols for this connection (e.g. `['transport.l5d.io/v1']` to send a transport header). */
  alpnProtocols?: readonly string[];
  /** Connect without a client certificate (before the first certificate, e.g. to the identity service). */
  anonymous?: boolean;
}

function checkIdentity(expected: string): (host: string, cert: PeerCertificate) => Error | undefined {
  return (_host, cert) => {
    const sans = (cert.subjectaltname ?? '').split(', ').filter((s) => s !== '');
    if (sans.includes(`DNS:${expected}`) || sans.includes(`URI:${expected}`)) return undefined;
    return new IdentityError(
      IdentityErrorCode.Identity,
      `server identity mismatch: expected "${expected}", the server's certificate has ${sans.length === 0 ? 'no SAN' : `[${sans.join(', ')}]`}`,
    );
  };
}

/**
 * The outbound side of mesh TLS: TLS 1.3 only, SNI = the expected server name, the chain verified
 * against the anchors, the server's SAN compared with the identity discovery gave; it fails closed
 * (the promise rejects and the socket is destroyed) on any mismatch. Presents the current
 * certificate; no session resumption.
 *
 * @example
 * ```ts
 * const dialer = new MeshTlsDialer(identity);              // identity: WorkloadIdentity
 * const tcp = net.connect(4143, '10.0.0.7');               // or pass host/port instead
 * const tls = await dialer.connect({ socket: tcp, serverName: 'web.emojivoto.serviceaccount.identity.linkerd.cluster.local',
 *   alpnProtocols: ['transport.l5d.io/v1'] });
 * if (tls.alpnProtocol === 'transport.l5d.io/v1') tls.write(encodeTransportHeader({ port: 8080 }));
 * ```
 */
export class MeshTlsDialer {
  readonly #source: CredentialsSource;
  readonly #alpn: string[];
  readonly #timeoutMs: number;
  readonly #anchors: TrustAnchors | undefined;

  constructor(source: CredentialsSource, options: MeshTlsDialerOptions = {}) {
    this.#source = source;
    this.#alpn = [...(options.alpnProtocols ?? DEFAULT_MESH_ALPN)];
    this.#timeoutMs = options.handshakeTimeoutMs ?? 10_000;
    this.#anchors = options.trustAnchors;
  }

  /**
   * Runs the TLS handshake and verifies the server.
   * @throws {@link IdentityError}: `NOT_CERTIFIED` without a certificate (unless `anonymous`),
   * `EXPIRED` when ours has expired,
   * `MISMATCH` for a server with another identity, `HANDSHAKE` for any other failure (untrusted
   * or expired chain, plaintext server, timeout), with the OpenSSL code in the message.
   */
  connect(options: DialOptions): Promise<TLSSocket> {
    const current = this.#source.current;
    const anchors = current?.trustAnchors ?? this.#anchors;
    if ((current === undefined && options.anonymous !== true) || anchors === undefined) {
      options.socket?.destroy();
      return Promise.reject(
        new IdentityError(
          IdentityErrorCode.NotCertified,
          `TLS to "${options.serverName}" refused: no certificate has been obtained yet`,
        ),
      );
    }
    if (current !== undefined && options.anonymous !== true && current.validUntil.getTime() <= Date.now()) {
      options.socket?.destroy();
      return Promise.reject(
        new IdentityError(
          IdentityErrorCode.Expired,
          `TLS to "${options.serverName}" refused: our certificate expired at ${current.validUntil.toISOString()}`,
        ),
      );
    }
    const secureContext =
      current !== undefined && options.anonymous !== true
        ? current.clientContext
        : clientTlsContext(anchors, undefined);
    const expected = options.serverIdentity ?? options.serverName;
    const socket = connect({
      ...(options.socket === undefined
        ? { host: options.host, port: options.port }
        : { socket: options.socket }),
      servername: options.serverName,
      secureContext,
      ALPNProtocols: [...(options.alpnProtocols ?? this.#alpn)],
      rejectUnauthorized: true,
      checkServerIdentity: checkIdentity(expected),
    });
    return new Promise<TLSSocket>((resolve, reject) => {
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
              `TLS handshake with "${options.serverName}" timed out after ${this.#timeoutMs}ms`,
            ),
          ),
        this.#timeoutMs,
      );
      const onError = (err: Error & { code?: string }) => {
        if (err instanceof IdentityError) return fail(err);
        const code = err.code === undefined ? '' : ` (${err.code})`;
        fail(
          new IdentityError(
            IdentityErrorCode.Handshake,
            `TLS handshake with "${options.serverName}" failed: ${err.message}${code}`,
            {
              cause: err,
            },
          ),
        );
      };
      socket.once('error', onError);
      socket.once('secureConnect', () => {
        clearTimeout(timer);
        socket.off('error', onError);
        resolve(socket);
      });
    });
  }
}
