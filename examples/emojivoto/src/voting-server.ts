import { type ServerUnaryCall, type sendUnaryData, status } from '@grpc/grpc-js';
import type { HostPort } from './address.ts';
import { DOUGHNUT, findEmoji } from './catalog.ts';
import { type RunningServer, startGrpcServer } from './grpc-server.ts';
import { type ResultsResponse, serviceDefinition, type VoteRequest } from './protos.ts';

/** Options of {@link startVotingServer}. */
export interface VotingServerOptions {
  readonly listen: HostPort;
  /** Share of `VoteDoughnut` calls that fail (0..1). */
  readonly doughnutFailureRate: number;
  /** Random numbers in [0, 1): `Math.random` unless a test needs a fixed sequence. */
  readonly random?: () => number;
}

/** The running voting service and its tally. */
export interface VotingServer extends RunningServer {
  /** Votes counted so far, by shortcode. */
  readonly tally: ReadonlyMap<string, number>;
}

/**
 * Starts `voting`: the gRPC `VotingService`. `Vote` counts a vote for any known emoji but
 * :doughnut: (`InvalidArgument` otherwise); `VoteDoughnut` counts one for :doughnut: and fails
 * with `Unknown` for `doughnutFailureRate` of the calls; `Results` lists the tally, most votes first.
 */
export async function startVotingServer(options: VotingServerOptions): Promise<VotingServer> {
  const random = options.random ?? Math.random;
  const tally = new Map<string, number>();
  const count = (shortcode: string) => tally.set(shortcode, (tally.get(shortcode) ?? 0) + 1);
  const running = await startGrpcServer(options.listen, (server) => {
    server.addService(serviceDefinition('VotingService'), {
      Vote(call: ServerUnaryCall<VoteRequest, object>, done: sendUnaryData<object>) {
        const { shortcode } = call.request;
        if (findEmoji(shortcode) === undefined || shortcode === DOUGHNUT) {
          done({
            code: status.INVALID_ARGUMENT,
            details: `Vote: unknown emoji ${JSON.stringify(shortcode)} (votes for ${DOUGHNUT} go to VoteDoughnut)`,
          });
          return;
        }
        count(shortcode);
        done(null, {});
      },
      VoteDoughnut(_call: ServerUnaryCall<VoteRequest, object>, done: sendUnaryData<object>) {
        if (random() < options.doughnutFailureRate) {
          done({ code: status.UNKNOWN, details: 'ERROR: the doughnut vote store is broken' });
          return;
        }
        count(DOUGHNUT);
        done(null, {});
      },
      Results(_call: ServerUnaryCall<object, ResultsResponse>, done: sendUnaryData<ResultsResponse>) {
        const results = [...tally]
          .map(([shortcode, votes]) => ({ shortcode, votes }))
          .sort((a, b) => b.votes - a.votes || a.shortcode.localeCompare(b.shortcode));
        done(null, { results });
      },
    });
  });
  return { ...running, tally };
}
