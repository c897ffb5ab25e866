import type { ClientSessionOptions, ServerSessionOptions } from 'node:http2';
import { ConfigError } from '@skein/core';

/**
 * Limits of the proxy's HTTP/2 server side (`LINKERD2_PROXY_{INBOUND,OUTBOUND}_SERVER_HTTP2_*`).
 * Defaults follow Envoy's edge hardening guide and linkerd2-proxy (see the package README for
 * the reasoning behind each number).
 */
export interface Http2ServerLimits {
  /** SETTINGS_MAX_CONCURRENT_STREAMS advertised to clients (`*_MAX_CONCURRENT_STREAMS`; 100). */
  maxConcurrentStreams: number;
  /** SETTINGS_INITIAL_WINDOW_SIZE for request bodies (`*_INITIAL_STREAM_WINDOW_SIZE`; 65,535). */
  initialStreamWindowSize: number;
  /** Connection receive window (`*_INITIAL_CONNECTION_WINDOW_SIZE`; 1 MiB). */
  initialConnectionWindowSize: number;
  /** SETTINGS_MAX_FRAME_SIZE (`*_MAX_FRAME_SIZE`; 16,384). */
  maxFrameSize: number;
  /**
   * SETTINGS_MAX_HEADER_LIST_SIZE in bytes (`*_MAX_HEADER_LIST_SIZE`; 64 KiB). Larger header
   * lists get 431, also before the client acknowledged the setting.
   */
  maxHeaderListSize: number;
  /** Most header fields per block, pseudo-headers included (Node's `maxHeaderListPairs`; 128). */
  maxHeaderListPairs: number;
  /**
   * Streams the client may reset within {@link prematureResetMs} of opening them before the
   * connection is closed with GOAWAY(ENHANCE_YOUR_CALM), provided such resets are also more than
   * half of the streams opened (`*_MAX_PENDING_ACCEPT_RESET_STREAMS`; 100).
   */
  maxPrematureResets: number;
  /** A client reset this soon after the stream opened counts as premature (1,000 ms). */
  prematureResetMs: number;
  /** Unanswered PINGs we may have in flight (Node's `maxOutstandingPings`; 10). */
  maxOutstandingPings: number;
  /** Entries per SETTINGS frame (Node's `maxSettings`; 32). */
  maxSettings: number;
  /** Native memory one session may use, in MiB, before new streams are refused (10). */
  maxSessionMemoryMiB: number;
  /** Invalid frames (empty DATA, malformed requests…) before the session is closed (1,000). */
  maxInvalidFrames: number;
  /** Interval between keep-alive PINGs in ms, or 0 for none (`*_KEEP_ALIVE_INTERVAL`). */
  keepAliveIntervalMs: number;
  /** Close the connection when a keep-alive PING is not answered within this (`*_KEEP_ALIVE_TIMEOUT`; 20 s). */
  keepAliveTimeoutMs: number;
  /** Close a connection without open streams after this long without frames, or 0 for never (60 s). */
  idleTimeoutMs: number;
}

/** Defaults of {@link Http2ServerLimits}. */
export const DEFAULT_HTTP2_SERVER_LIMITS: Readonly<Http2ServerLimits> = Object.freeze({
  maxConcurrentStreams: 100,
  initialStreamWindowSize: 65_535,
  initialConnectionWindowSize: 1024 * 1024,
  maxFrameSize: 16_384,
  maxHeaderListSize: 64 * 1024,
  maxHeaderListPairs: 128,
  maxPrematureResets: 100,
  prematureResetMs: 1_000,
  maxOutstandingPings: 10,
  maxSettings: 32,
  maxSessionMemoryMiB: 10,
  maxInvalidFrames: 1_000,
  keepAliveIntervalMs: 0,
  keepAliveTimeoutMs: 20_000,
  idleTimeoutMs: 60_000,
});

/** Settings of the proxy's HTTP/2 client side (`LINKERD2_PROXY_HTTP2_*`). */
export interface Http2ClientSettings {
  /** Receive window per stream for response bodies (`HTTP2_INITIAL_STREAM_WINDOW_SIZE`; 65,535). */
  initialStreamWindowSize: number;
  /** Connection receive window (`HTTP2_INITIAL_CONNECTION_WINDOW_SIZE`; 1 MiB). */
  initialConnectionWindowSize: number;
  /** SETTINGS_MAX_FRAME_SIZE we accept (16,384). */
  maxFrameSize: number;
  /** SETTINGS_MAX_HEADER_LIST_SIZE for response heads (64 KiB). */
  maxHeaderListSize: number;
  /** Interval between keep-alive PINGs in ms, or 0 for none. */
  keepAliveIntervalMs: number;
  /** Close the session when a keep-alive PING is not answered within this (20 s). */
  keepAliveTimeoutMs: number;
}

/** Defaults of {@link Http2ClientSettings} (linkerd2-proxy's client defaults). */
export const DEFAULT_HTTP2_CLIENT_SETTINGS: Readonly<Http2ClientSettings> = Object.freeze({
  initialStreamWindowSize: 65_535,
  initialConnectionWindowSize: 1024 * 1024,
  maxFrameSize: 16_384,
  maxHeaderListSize: 64 * 1024,
  keepAliveIntervalMs: 0,
  keepAliveTimeoutMs: 20_000,
});

const MAX_WINDOW = 2 ** 31 - 1;

type Range = readonly [min: number, max: number, expected: string];

const SERVER_RANGES: Record<keyof Http2ServerLimits, Range> = {
  maxConcurrentStreams: [1, 2 ** 32 - 1, 'an integer from 1 to 4294967295'],
  initialStreamWindowSize: [0, MAX_WINDOW, 'an integer from 0 to 2147483647 (bytes)'],
  initialConnectionWindowSize: [65_535, MAX_WINDOW, 'an integer from 65535 to 2147483647 (bytes)'],
  maxFrameSize: [16_384, 16_777_215, 'an integer from 16384 to 16777215 (bytes)'],
  maxHeaderListSize: [1_024, 2 ** 32 - 1, 'an integer of at least 1024 (bytes)'],
  maxHeaderListPairs: [4, 65_535, 'an integer from 4 to 65535'],
  maxPrematureResets: [1, 2 ** 32 - 1, 'a positive integer'],
  prematureResetMs: [1, 2 ** 31 - 1, 'a positive duration in ms'],
  maxOutstandingPings: [1, 2 ** 32 - 1, 'a positive integer'],
  maxSettings: [1, 65_535, 'an integer from 1 to 65535'],
  maxSessionMemoryMiB: [1, 2 ** 20, 'a positive number of MiB'],
  maxInvalidFrames: [0, 2 ** 32 - 1, 'a non-negative integer'],
  keepAliveIntervalMs: [0, 2 ** 31 - 1, 'a duration in ms (0 disables keep-alive)'],
  keepAliveTimeoutMs: [1, 2 ** 31 - 1, 'a positive duration in ms'],
  idleTimeoutMs: [0, 2 ** 31 - 1, 'a duration in ms (0 disables the idle timeout)'],
};

const CLIENT_RANGES: Record<keyof Http2ClientSettings, Range> = {
  initialStreamWindowSize: SERVER_RANGES.initialStreamWindowSize,
  initialConnectionWindowSize: SERVER_RANGES.initialConnectionWindowSize,
  maxFrameSize: SERVER_RANGES.maxFrameSize,
  maxHeaderListSize: SERVER_RANGES.maxHeaderListSize,
  keepAliveIntervalMs: SERVER_RANGES.keepAliveIntervalMs,
  keepAliveTimeoutMs: SERVER_RANGES.keepAliveTimeoutMs,
};

function resolve<T extends object>(
  defaults: Readonly<T>,
  given: Partial<T> | undefined,
  ranges: Record<keyof T, Range>,
  prefix: string,
): T {
  const out: Record<string, number> = { ...(defaults as Record<string, number>) };
  if (given === undefined) return out as T;
  for (const key of Object.keys(given) as (keyof T & string)[]) {
    const range = ranges[key];
    if (range === undefined) throw new ConfigError(`${prefix}.${key}`, String(given[key]), 'a known setting');
    const value = given[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < range[0] || value > range[1]) {
      throw new ConfigError(`${prefix}.${key}`, String(value), range[2]);
    }
    out[key] = value;
  }
  return out as T;
}

/**
 * Fills in defaults and checks each limit; a bad value throws a `ConfigError` naming the field,
 * the value and the accepted range.
 */
export function resolveHttp2ServerLimits(given?: Partial<Http2ServerLimits>): Http2ServerLimits {
  return resolve(DEFAULT_HTTP2_SERVER_LIMITS, given, SERVER_RANGES, 'http2Server');
}

/** As {@link resolveHttp2ServerLimits}, for the client settings. */
export function resolveHttp2ClientSettings(given?: Partial<Http2ClientSettings>): Http2ClientSettings {
  return resolve(DEFAULT_HTTP2_CLIENT_SETTINGS, given, CLIENT_RANGES, 'http2Client');
}

/** The `node:http2` options for a server session with these limits. */
export function serverSessionOptions(limits: Http2ServerLimits): ServerSessionOptions {
  return {
    settings: {
      maxConcurrentStreams: limits.maxConcurrentStreams,
      initialWindowSize: limits.initialStreamWindowSize,
      maxFrameSize: limits.maxFrameSize,
      maxHeaderListSize: limits.maxHeaderListSize,
      enablePush: false,
    },
    maxHeaderListPairs: limits.maxHeaderListPairs,
    maxOutstandingPings: limits.maxOutstandingPings,
    maxSettings: limits.maxSettings,
    maxSessionMemory: limits.maxSessionMemoryMiB,
    maxSessionInvalidFrames: limits.maxInvalidFrames,
    // Node 22+: duplicate "single value" fields from an HTTP/1 upstream must not throw.
    strictSingleValueFields: false,
  } as ServerSessionOptions;
}

/** The `node:http2` options for a client session with these settings. */
export function clientSessionOptions(settings: Http2ClientSettings): ClientSessionOptions {
  return {
    settings: {
      initialWindowSize: settings.initialStreamWindowSize,
      maxFrameSize: settings.maxFrameSize,
      maxHeaderListSize: settings.maxHeaderListSize,
      enablePush: false,
    },
    maxSessionMemory: 10,
    strictSingleValueFields: false,
  } as ClientSessionOptions;
}
