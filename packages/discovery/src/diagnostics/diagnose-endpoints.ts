import { applyEndpointUpdate, type EndpointUpdate } from '@skein/core';
import { type destination, tcpAddressToString } from '@skein/core/proto';
import { endpointFromWeightedAddr } from '../client/endpoint-from-addr.js';
import type { DiscoveredEndpoint } from '../endpoint.js';
import { collectStream, type DiagnoseOptions } from './collect-stream.js';

/** What the destination service answers for `Get(authority)`, ready to print. */
export interface EndpointsDiagnosis {
  /** The authority asked for. */
  readonly authority: string;
  /** False when the service does not exist (NotFound / `no_endpoints{exists:false}`). */
  readonly exists: boolean;
  /** The endpoints, sorted by address. */
  readonly endpoints: readonly DiscoveredEndpoint[];
}

/**
 * Asks the destination service for `authority`'s endpoints, as `skein diagnostics endpoints`
 * prints them.
 *
 * @throws {DestinationError} for InvalidArgument/FailedPrecondition (the message says why).
 * @throws {DiscoveryUnavailableError} when the service cannot be reached or does not answer.
 */
export async function diagnoseEndpoints(
  authority: string,
  options: DiagnoseOptions,
): Promise<EndpointsDiagnosis> {
  const collected = await collectStream<destination.Update>(options, (c) =>
    c.get({ scheme: '', path: authority, contextToken: options.contextToken ?? '' }),
  );
  const set = new Map<string, DiscoveredEndpoint>();
  let exists = !collected.notFound;
  for (const u of collected.messages) {
    let update: EndpointUpdate<DiscoveredEndpoint>;
    if (u.add != null) {
      update = {
        type: 'add',
        endpoints: (u.add.addrs ?? []).map((a) => endpointFromWeightedAddr(a, u.add?.metricLabels ?? {})),
      };
    } else if (u.remove != null) {
      update = { type: 'remove', keys: (u.remove.addrs ?? []).map((a) => tcpAddressToString(a)) };
    } else if (u.noEndpoints?.exists === false) {
      update = { type: 'doesNotExist' };
    } else {
      update = { type: 'reset', endpoints: [] };
    }
    exists = applyEndpointUpdate(set, update, (e) => e.address).exists;
  }
  const endpoints = [...set.values()].sort((a, b) =>
    a.address < b.address ? -1 : a.address > b.address ? 1 : 0,
  );
  return { authority, exists, endpoints };
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('   ')
        .trimEnd(),
    )
    .join('\n');
}

/**
 * Prints a diagnosis as `linkerd diagnostics endpoints` does (NAMESPACE IP PORT POD SERVICE),
 * plus the identity and protocol hint of each endpoint.
 */
export function formatEndpoints(d: EndpointsDiagnosis): string {
  if (!d.exists) return `Service ${d.authority} does not exist.\n`;
  if (d.endpoints.length === 0) return `No endpoints found for ${d.authority}.\n`;
  const rows = [['NAMESPACE', 'IP', 'PORT', 'POD', 'SERVICE', 'IDENTITY', 'PROTOCOL']];
  for (const e of d.endpoints) {
    const l = e.labels;
    const service = l.service === undefined ? '-' : `${l.service}.${l.namespace ?? ''}`;
    const protocol =
      e.protocolHint === undefined
        ? '-'
        : e.opaqueTransportPort === undefined
          ? e.protocolHint
          : `${e.protocolHint} (via ${e.opaqueTransportPort})`;
    rows.push([
      l.namespace ?? '-',
      e.ip,
      String(e.port),
      l.pod ?? '-',
      service,
      e.identity?.name ?? '-',
      protocol,
    ]);
  }
  return `${table(rows)}\n`;
}
