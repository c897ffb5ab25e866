import { type ClientHttp2Session, type ClientSessionOptions, connect } from 'node:http2';
import type { Socket } from 'node:net';
import { startKeepAlive } from './keep-alive.js';
import type { Http2ClientSettings } from './limits.js';

/** What a session reports to its pool. */
export interface ClientSessionOwner {
  /** The peer's SETTINGS arrived (or changed): more streams may fit now. */
  sessionSettings(session: Http2ClientSession): void;
  /** The peer sent GOAWAY: no new streams on this session. */
  sessionGoaway(session: Http2ClientSession): void;
  /** The session is gone. */
  sessionClosed(session: Http2ClientSession): void;
}

const kSession = Symbol('skein.http2.clientSession');
type OwnedSession = ClientHttp2Session & { [kSession]?: Http2ClientSession };

/** Assumed until the peer's SETTINGS say otherwise (Node's and RFC 9113's suggestion). */
const INITIAL_MAX_STREAMS = 100;

/**
 * One upstream HTTP/2 connection of an {@link Http2Pool}: the nghttp2 client session over a
 * socket from the pool's connector, with the count of streams it carries and the peer's
 * concurrency limit.
 */
export class Http2ClientSession {
  readonly session: ClientHttp2Session;
  /** Streams open on this session (or being opened). */
  active = 0;
  /** SETTINGS_MAX_CONCURRENT_STREAMS of the peer. */
  maxStreams = INITIAL_MAX_STREAMS;
  /** Whether the peer's SETTINGS arrived: the peer really speaks HTTP/2. */
  established = false;
  /** Whether the peer sent GOAWAY. */
  goingAway = false;

  constructor(
    owner: ClientSessionOwner,
    socket: Socket,
    url: URL,
    options: ClientSessionOptions,
    settings: Http2ClientSettings,
  ) {
    const session = connect(url, { ...options, createConnection: () => socket }) as OwnedSession;
    this.session = session;
    session[kSession] = this;
    session.on('remoteSettings', (remote) => {
      this.established = true;
      this.maxStreams = remote.maxConcurrentStreams ?? 2 ** 32 - 1;
      owner.sessionSettings(this);
    });
    session.on('goaway', () => {
      this.goingAway = true;
      owner.sessionGoaway(this);
    });
    session.on('error', () => {
      // 'close' follows; the streams report their own failures.
    });
    session.once('close', () => owner.sessionClosed(this));
    // HTTP/2 has no half-closed connections: the peer's FIN means it is gone. node:http2 only
    // notices a socket close, which never comes on an `allowHalfOpen` socket.
    socket.once('end', () => {
      if (!session.destroyed) session.destroy();
    });
    if (settings.initialConnectionWindowSize > 65_535) {
      session.setLocalWindowSize(settings.initialConnectionWindowSize);
    }
    startKeepAlive(session, settings.keepAliveIntervalMs, settings.keepAliveTimeoutMs);
  }

  /** The wrapper of a `node:http2` session created by this class. */
  static of(session: ClientHttp2Session): Http2ClientSession | undefined {
    return (session as OwnedSession)[kSession];
  }

  /** Whether new streams may be opened on this session. */
  get usable(): boolean {
    return !this.goingAway && !this.session.closed && !this.session.destroyed;
  }

  /** Whether a new stream fits under the peer's limit now. */
  get hasCapacity(): boolean {
    return this.active < this.maxStreams;
  }

  /** Closes the session at once; its streams fail. */
  destroy(): void {
    if (!this.session.destroyed) this.session.destroy();
  }
}
