import { inbound } from '@skein/core/proto';
import { DestinationError, DestinationStatus } from '../../discovery-error.js';
import type { TopicTranslator } from '../../server/snapshot-topic.js';
import type { PolicySnapshot } from '../compute-policy.js';
import { encodeInboundServer } from '../policy-encoding.js';

const encoded = new WeakMap<PolicySnapshot, Buffer>();

/** The bytes of a policy snapshot's `inbound.Server`, encoded once however many streams send it. */
export function policyBytes(snapshot: PolicySnapshot & { kind: 'policy' }): Buffer {
  let bytes = encoded.get(snapshot);
  if (bytes === undefined) {
    const b = inbound.Server.encode(encodeInboundServer(snapshot.policy)).finish();
    bytes = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    encoded.set(snapshot, bytes);
  }
  return bytes;
}

/**
 * `WatchPort`: NotFound at the start for an unknown workload, then every policy that differs from
 * the last one sent. A workload that disappears later sends nothing more (its proxy keeps the
 * last policy until it goes away too).
 */
export const policyTranslator: TopicTranslator<PolicySnapshot> = {
  initial(snapshot) {
    if (snapshot.kind === 'notFound')
      return new DestinationError(DestinationStatus.NotFound, snapshot.message);
    return [policyBytes(snapshot)];
  },
  next(prev, next) {
    if (next.kind !== 'policy') return [];
    const bytes = policyBytes(next);
    return prev.kind === 'policy' && policyBytes(prev).equals(bytes) ? [] : [bytes];
  },
};
