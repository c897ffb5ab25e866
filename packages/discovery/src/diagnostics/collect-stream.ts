import {
  type ChannelCredentials,
  type ClientReadableStream,
  credentials,
  status as Status,
  type StatusObject,
} from '@grpc/grpc-js';
import { DestinationClient as DestinationGrpcClient } from '@skein/core/proto';
import {
  DestinationError,
  type DestinationStatusCode,
  DiscoveryUnavailableError,
} from '../discovery-error.js';

/** Options of the diagnostics functions. */
export interface DiagnoseOptions {
  /** The destination service, `host:port`. */
  readonly address: string;
  /** Channel credentials; default insecure. */
  readonly credentials?: ChannelCredentials;
  /** `context_token` to send, as a proxy would (`{"ns":"…","nodeName":"…"}`). */
  readonly contextToken?: string;
  /** How long to wait for the first answer, in ms (default 5000). */
  readonly timeoutMs?: number;
  /** How long to keep collecting after the first message, in ms (default 200). */
  readonly settleMs?: number;
}

/** The messages of a stream's first moments, or the status it ended with. */
export interface Collected<M> {
  readonly messages: M[];
  /** NOT_FOUND when the server said the name does not exist; undefined when still streaming. */
  readonly notFound: boolean;
}

/**
 * Opens one call, collects what the server sends until it settles (no message for `settleMs`
 * after the first) and cancels it. NotFound is an answer; InvalidArgument and FailedPrecondition
 * throw a {@link DestinationError}; anything else, or silence, a {@link DiscoveryUnavailableError}.
 */
export function collectStream<M>(
  options: DiagnoseOptions,
  open: (client: DestinationGrpcClient) => ClientReadableStream<M>,
): Promise<Collected<M>> {
  const client = new DestinationGrpcClient(
    options.address,
    options.credentials ?? credentials.createInsecure(),
  );
  return new Promise<Collected<M>>((resolve, reject) => {
    const messages: M[] = [];
    let done = false;
    let settle: NodeJS.Timeout | undefined;
    const call = open(client);
    const finish = (result: Collected<M> | Error) => {
      if (done) return;
      done = true;
      clearTimeout(timeout);
      clearTimeout(settle);
      call.cancel();
      client.close();
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const timeout = setTimeout(
      () =>
        finish(
          new DiscoveryUnavailableError(
            `no answer from the destination service at ${options.address} within ${options.timeoutMs ?? 5000}ms`,
          ),
        ),
      options.timeoutMs ?? 5000,
    );
    call.on('data', (m: M) => {
      messages.push(m);
      clearTimeout(settle);
      settle = setTimeout(() => finish({ messages, notFound: false }), options.settleMs ?? 200);
    });
    call.on('error', () => {});
    call.on('status', (status: StatusObject) => {
      if (status.code === Status.NOT_FOUND) finish({ messages, notFound: true });
      else if (status.code === Status.INVALID_ARGUMENT || status.code === Status.FAILED_PRECONDITION) {
        finish(new DestinationError(status.code as DestinationStatusCode, status.details));
      } else if (status.code === Status.OK && messages.length > 0) finish({ messages, notFound: false });
      else {
        finish(
          new DiscoveryUnavailableError(
            `destination service at ${options.address} answered ${Status[status.code]}: ${status.details}`,
          ),
        );
      }
    });
  });
}
