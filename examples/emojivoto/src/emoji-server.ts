import type { ServerUnaryCall, sendUnaryData } from '@grpc/grpc-js';
import type { HostPort } from './address.ts';
import { CATALOG, findEmoji } from './catalog.ts';
import { type RunningServer, startGrpcServer } from './grpc-server.ts';
import {
  type FindByShortcodeRequest,
  type FindByShortcodeResponse,
  type ListAllEmojiResponse,
  serviceDefinition,
} from './protos.ts';

/** Starts `emoji`: the gRPC `EmojiService` (`ListAll`, `FindByShortcode`) over the catalogue. */
export function startEmojiServer(listen: HostPort): Promise<RunningServer> {
  return startGrpcServer(listen, (server) => {
    server.addService(serviceDefinition('EmojiService'), {
      ListAll(
        _call: ServerUnaryCall<object, ListAllEmojiResponse>,
        done: sendUnaryData<ListAllEmojiResponse>,
      ) {
        done(null, { list: CATALOG.map((e) => ({ ...e })) });
      },
      FindByShortcode(
        call: ServerUnaryCall<FindByShortcodeRequest, FindByShortcodeResponse>,
        done: sendUnaryData<FindByShortcodeResponse>,
      ) {
        const emoji = findEmoji(call.request.shortcode);
        done(null, { emoji: emoji === undefined ? null : { ...emoji } });
      },
    });
  });
}
