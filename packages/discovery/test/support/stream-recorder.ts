import type { ClientReadableStream, StatusObject } from '@grpc/grpc-js';
import { waitFor } from '@skein/testkit';

/** Records what a server stream delivers, converted by `describe`, and how it ended. */
export class StreamRecorder<M, T> {
  readonly messages: T[] = [];
  status: StatusObject | undefined;
  readonly #call: ClientReadableStream<M>;

  constructor(call: ClientReadableStream<M>, describe: (m: M) => T) {
    this.#call = call;
    call.on('data', (m: M) => this.messages.push(describe(m)));
    call.on('error', () => {});
    call.on('status', (s: StatusObject) => {
      this.status = s;
    });
  }

  /** Waits until at least `count` messages arrived; returns them all. */
  async atLeast(count: number, what = `${count} messages`): Promise<T[]> {
    try {
      await waitFor(() => this.messages.length >= count, { what, timeoutMs: 5000 });
    } catch (err) {
      throw new Error(
        `waiting for ${what}: got ${JSON.stringify(this.messages)}, status ${JSON.stringify(this.status)}`,
        { cause: err },
      );
    }
    return this.messages;
  }

  /** Waits for the stream to end; returns its status. */
  async ended(): Promise<StatusObject> {
    await waitFor(() => this.status !== undefined, { what: 'the stream to end', timeoutMs: 5000 });
    return this.status!;
  }

  /** Cancels the call. */
  cancel(): void {
    this.#call.cancel();
  }
}
