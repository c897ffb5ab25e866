import { formatDuration } from '@skein/core';
import { type destination, durationToMillis } from '@skein/core/proto';
import { stringify } from 'yaml';
import { endpointFromWeightedAddr } from '../client/endpoint-from-addr.js';
import { collectStream, type DiagnoseOptions } from './collect-stream.js';

/** What the destination service answers for `GetProfile(authority)`, as plain data. */
export interface ProfileDiagnosis {
  /** The authority asked for. */
  readonly authority: string;
  /** False when the server has no profile for it (NotFound). */
  readonly found: boolean;
  /** The last profile received, as printable plain data (durations as `10s`, addresses as `ip:port`). */
  readonly profile?: Readonly<Record<string, unknown>>;
}

function duration(d: { seconds?: unknown; nanos?: number | null } | null | undefined): string | undefined {
  if (d == null) return undefined;
  const ms = durationToMillis(d as Parameters<typeof durationToMillis>[0]);
  return Number.isSafeInteger(ms) && ms >= 0 ? formatDuration(ms) : `${ms}ms`;
}

function plain(message: unknown): unknown {
  return message == null ? undefined : JSON.parse(JSON.stringify(message));
}

/** A DestinationProfile as printable plain data. */
export function printableProfile(p: destination.DestinationProfile): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (p.fullyQualifiedName) out.fullyQualifiedName = p.fullyQualifiedName;
  out.opaqueProtocol = p.opaqueProtocol === true;
  if (p.retryBudget != null) {
    out.retryBudget = {
      retryRatio: Math.round((p.retryBudget.retryRatio ?? 0) * 1e6) / 1e6,
      minRetriesPerSecond: p.retryBudget.minRetriesPerSecond ?? 0,
      ttl: duration(p.retryBudget.ttl),
    };
  }
  out.routes = (p.routes ?? []).map((r) => ({
    ...(r.metricsLabels?.route === undefined ? {} : { name: r.metricsLabels.route }),
    condition: plain(r.condition),
    responseClasses: (r.responseClasses ?? []).map((c) => ({
      condition: plain(c.condition),
      isFailure: c.isFailure === true,
    })),
    isRetryable: r.isRetryable === true,
    ...(r.timeout == null ? {} : { timeout: duration(r.timeout) }),
  }));
  if ((p.dstOverrides ?? []).length > 0) {
    out.dstOverrides = p.dstOverrides.map((d) => ({ authority: d.authority, weight: d.weight }));
  }
  if (p.endpoint?.addr != null) out.endpoint = { ...endpointFromWeightedAddr(p.endpoint) };
  return out;
}

/**
 * Asks the destination service for `authority`'s profile, as `skein diagnostics profile` prints it.
 *
 * @throws {DestinationError} for InvalidArgument/FailedPrecondition.
 * @throws {DiscoveryUnavailableError} when the service cannot be reached or does not answer.
 */
export async function diagnoseProfile(
  authority: string,
  options: DiagnoseOptions,
): Promise<ProfileDiagnosis> {
  const collected = await collectStream<destination.DestinationProfile>(options, (c) =>
    c.getProfile({ scheme: '', path: authority, contextToken: options.contextToken ?? '' }),
  );
  const last = collected.messages[collected.messages.length - 1];
  if (collected.notFound || last === undefined) return { authority, found: false };
  return { authority, found: true, profile: printableProfile(last) };
}

/** Prints a profile diagnosis as YAML. */
export function formatProfile(d: ProfileDiagnosis): string {
  if (!d.found) return `No profile found for ${d.authority}.\n`;
  return stringify(d.profile);
}
