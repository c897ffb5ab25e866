import { destination, tcpAddressToString } from '@skein/core/proto';
import type { DestinationProfileProps, EndpointSnapshot, WeightedAddrProps } from './destination-backend.js';

const { Update, WeightedAddr, DestinationProfile } = destination;

/** Encoded bytes of a WeightedAddr, cached per object: the server compares endpoints by their bytes. */
const addrBytes = new WeakMap<WeightedAddrProps, string>();

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A stable fingerprint of a WeightedAddr: equal fingerprints encode to equal bytes. */
export function weightedAddrFingerprint(addr: WeightedAddrProps): string {
  let fp = addrBytes.get(addr);
  if (fp === undefined) {
    fp = asBuffer(WeightedAddr.encode(addr).finish()).toString('latin1');
    addrBytes.set(addr, fp);
  }
  return fp;
}

function sortedAddrs(addrs: Iterable<[string, WeightedAddrProps]>): WeightedAddrProps[] {
  return [...addrs].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, v]) => v);
}

/** `Update{add}` with the addresses in key order. */
export function encodeAdd(
  addrs: Iterable<[string, WeightedAddrProps]>,
  labels: Readonly<Record<string, string>>,
): Buffer {
  return asBuffer(
    Update.encode({ add: { addrs: sortedAddrs(addrs), metricLabels: { ...labels } } }).finish(),
  );
}

/** `Update{remove}` of the given addresses, in key order. */
export function encodeRemove(addrs: Iterable<[string, WeightedAddrProps]>): Buffer {
  const list = sortedAddrs(addrs).map((a) => a.addr!);
  return asBuffer(Update.encode({ remove: { addrs: list } }).finish());
}

/** `Update{no_endpoints{exists}}`. */
export function encodeNoEndpoints(exists: boolean): Buffer {
  return asBuffer(Update.encode({ noEndpoints: { exists } }).finish());
}

/** Encodes a DestinationProfile. */
export function encodeProfile(profile: DestinationProfileProps): Buffer {
  return asBuffer(DestinationProfile.encode(profile).finish());
}

/** The key of an address in a snapshot: `ip:port`. */
export function addrKey(addr: WeightedAddrProps): string {
  return tcpAddressToString(addr.addr!);
}

/**
 * The messages that bring a client holding `prev` to `next`: an `add` of new and changed
 * addresses and a `remove` of the ones that left (Linkerd sends the removal of the last endpoint
 * as a `remove`, which the contract defines as `no_endpoints{exists:true}`); `no_endpoints{exists:false}`
 * when the service goes away, and the whole set when it comes back.
 */
export function endpointDiff(prev: EndpointSnapshot, next: EndpointSnapshot): Buffer[] {
  if (prev.kind !== 'endpoints') {
    if (next.kind !== 'endpoints') return [];
    return [next.addrs.size > 0 ? encodeAdd(next.addrs, next.labels) : encodeNoEndpoints(true)];
  }
  if (next.kind !== 'endpoints') return [encodeNoEndpoints(false)];
  const added: Array<[string, WeightedAddrProps]> = [];
  const removed: Array<[string, WeightedAddrProps]> = [];
  for (const entry of next.addrs) {
    const old = prev.addrs.get(entry[0]);
    if (
      old === undefined ||
      (old !== entry[1] && weightedAddrFingerprint(old) !== weightedAddrFingerprint(entry[1]))
    ) {
      added.push(entry);
    }
  }
  for (const entry of prev.addrs) if (!next.addrs.has(entry[0])) removed.push(entry);
  const out: Buffer[] = [];
  if (added.length > 0) out.push(encodeAdd(added, next.labels));
  if (removed.length > 0) out.push(encodeRemove(removed));
  return out;
}

/** The first messages of a new `Get` stream: the whole set, or `no_endpoints{exists:true}` when it is empty. */
export function endpointInitial(snapshot: EndpointSnapshot & { kind: 'endpoints' }): Buffer[] {
  return [snapshot.addrs.size > 0 ? encodeAdd(snapshot.addrs, snapshot.labels) : encodeNoEndpoints(true)];
}
