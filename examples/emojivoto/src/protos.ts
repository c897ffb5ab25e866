import { fileURLToPath } from 'node:url';
import type { ServiceClientConstructor, ServiceDefinition } from '@grpc/grpc-js';
import { loadPackageDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

const PROTO_DIR = fileURLToPath(new URL('../proto/', import.meta.url));

/** Message shapes as proto-loader decodes them (`defaults: true`, so every field is set). */
export interface EmojiMessage {
  unicode: string;
  shortcode: string;
}
/** `ListAllEmojiResponse`. */
export interface ListAllEmojiResponse {
  list: EmojiMessage[];
}
/** `FindByShortcodeRequest`. */
export interface FindByShortcodeRequest {
  shortcode: string;
}
/** `FindByShortcodeResponse`: `emoji` is null when unknown. */
export interface FindByShortcodeResponse {
  emoji: EmojiMessage | null;
}
/** `VoteRequest`. */
export interface VoteRequest {
  shortcode: string;
}
/** `VotingResult`. */
export interface VotingResult {
  shortcode: string;
  votes: number;
}
/** `ResultsResponse`. */
export interface ResultsResponse {
  results: VotingResult[];
}

interface LoadedServices {
  readonly EmojiService: ServiceClientConstructor;
  readonly VotingService: ServiceClientConstructor;
}

let loaded: LoadedServices | undefined;

/** The two services, loaded once from `proto/`. */
export function services(): LoadedServices {
  if (loaded !== undefined) return loaded;
  const definition = loadSync(['emoji.proto', 'voting.proto'], {
    includeDirs: [PROTO_DIR],
    defaults: true,
    oneofs: true,
  });
  const pkg = loadPackageDefinition(definition) as unknown as {
    emojivoto: { v1: LoadedServices };
  };
  loaded = pkg.emojivoto.v1;
  return loaded;
}

/** The server-side definition of `EmojiService` or `VotingService`. */
export function serviceDefinition(name: keyof LoadedServices): ServiceDefinition {
  return services()[name].service;
}
