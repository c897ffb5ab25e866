import { type Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { formatHostPort, type Upstream } from './address.ts';
import { DOUGHNUT, type Emoji } from './catalog.ts';
import {
  type FindByShortcodeResponse,
  type ListAllEmojiResponse,
  type ResultsResponse,
  services,
  type VotingResult,
} from './protos.ts';

type Unary = (
  request: object,
  metadata: Metadata,
  options: { deadline: Date },
  done: (err: ServiceError | null, response: unknown) => void,
) => void;

const DEADLINE_MS = 5000;

/**
 * A client channel to `upstream`: it dials `upstream.dial` and names the service in
 * `:authority`, so a sidecar in explicit mode routes by it. Proxy variables (`grpc_proxy`,
 * `http_proxy`) are ignored: the dial address is the whole story.
 */
function channel(
  ctor: new (target: string, creds: ReturnType<typeof credentials.createInsecure>, options: object) => Client,
  target: Upstream,
): Client {
  return new ctor(formatHostPort(target.dial), credentials.createInsecure(), {
    'grpc.default_authority': target.authority,
    'grpc.enable_http_proxy': 0,
  });
}

function call<T>(client: Client, method: string, request: object): Promise<T> {
  const fn = (client as unknown as Record<string, Unary>)[method]!;
  return new Promise<T>((resolve, reject) => {
    fn.call(client, request, new Metadata(), { deadline: new Date(Date.now() + DEADLINE_MS) }, (err, res) =>
      err === null ? resolve(res as T) : reject(err),
    );
  });
}

/** Calls `EmojiService`. */
export class EmojiClient {
  readonly #client: Client;

  constructor(target: Upstream) {
    this.#client = channel(services().EmojiService, target);
  }

  /** Every emoji. */
  async listAll(): Promise<Emoji[]> {
    return (await call<ListAllEmojiResponse>(this.#client, 'ListAll', {})).list;
  }

  /** The emoji with `shortcode`, or undefined. */
  async find(shortcode: string): Promise<Emoji | undefined> {
    const res = await call<FindByShortcodeResponse>(this.#client, 'FindByShortcode', { shortcode });
    return res.emoji ?? undefined;
  }

  close(): void {
    this.#client.close();
  }
}

/** Calls `VotingService`. */
export class VotingClient {
  readonly #client: Client;

  constructor(target: Upstream) {
    this.#client = channel(services().VotingService, target);
  }

  /** Votes for `shortcode` (through `VoteDoughnut` for :doughnut:). Rejects with the gRPC error. */
  async vote(shortcode: string): Promise<void> {
    await call(this.#client, shortcode === DOUGHNUT ? 'VoteDoughnut' : 'Vote', { shortcode });
  }

  /** The tally, most votes first. */
  async results(): Promise<VotingResult[]> {
    return (await call<ResultsResponse>(this.#client, 'Results', {})).results;
  }

  close(): void {
    this.#client.close();
  }
}

/** True for a gRPC error (it carries a numeric `code`). */
export function isServiceError(err: unknown): err is ServiceError {
  return err instanceof Error && typeof (err as Partial<ServiceError>).code === 'number';
}
