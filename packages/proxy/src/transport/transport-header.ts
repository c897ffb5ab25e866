import type * as Proto from '@skein/core/proto';

let codec: Promise<typeof Proto> | undefined;

/**
 * The transport header codec, loaded on first use: it lives with the generated protobuf code,
 * which a proxy that never talks to a meshed peer does not need to load.
 */
export function transportHeaderCodec(): Promise<typeof Proto> {
  codec ??= import('@skein/core/proto');
  return codec;
}
