import { DestinationError, DestinationStatus } from '../discovery-error.js';
import type { EndpointSnapshot, ProfileSnapshot } from './destination-backend.js';
import type { TopicTranslator } from './snapshot-topic.js';
import { encodeProfile, endpointDiff, endpointInitial } from './update-encoding.js';

/** `Get`: NotFound/InvalidArgument at the start, then `add`/`remove`/`no_endpoints` diffs. */
export const endpointTranslator: TopicTranslator<EndpointSnapshot> = {
  initial(snapshot) {
    if (snapshot.kind === 'notFound')
      return new DestinationError(DestinationStatus.NotFound, snapshot.message);
    if (snapshot.kind === 'invalid') return new DestinationError(snapshot.status, snapshot.message);
    return endpointInitial(snapshot);
  },
  next: endpointDiff,
};

const encodedProfiles = new WeakMap<ProfileSnapshot, Buffer>();

/** The bytes a profile snapshot is sent as; a failure after the start is sent as an empty profile. */
function profileBytes(snapshot: ProfileSnapshot): Buffer {
  let bytes = encodedProfiles.get(snapshot);
  if (bytes === undefined) {
    bytes = encodeProfile(snapshot.kind === 'profile' ? snapshot.profile : {});
    encodedProfiles.set(snapshot, bytes);
  }
  return bytes;
}

/** `GetProfile`: NotFound/InvalidArgument at the start, then every profile that differs from the last one sent. */
export const profileTranslator: TopicTranslator<ProfileSnapshot> = {
  initial(snapshot) {
    if (snapshot.kind === 'notFound')
      return new DestinationError(DestinationStatus.NotFound, snapshot.message);
    if (snapshot.kind === 'invalid') return new DestinationError(snapshot.status, snapshot.message);
    return [profileBytes(snapshot)];
  },
  next(prev, next) {
    const bytes = profileBytes(next);
    return bytes.equals(profileBytes(prev)) ? [] : [bytes];
  },
};
