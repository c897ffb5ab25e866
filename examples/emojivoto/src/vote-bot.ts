import http from 'node:http';
import type { Upstream } from './address.ts';
import { CATALOG, DOUGHNUT } from './catalog.ts';

/** Options of {@link VoteBot}. */
export interface VoteBotOptions {
  /** Where `web` is. */
  readonly web: Upstream;
  /** Visits per second; each visit lists the emoji and votes once. */
  readonly rate: number;
  /** Share of votes that go to :doughnut: (0..1); the rest are spread over the other emoji. */
  readonly doughnutShare: number;
  /** Random numbers in [0, 1): `Math.random` unless a test needs a fixed sequence. */
  readonly random?: () => number;
}

/** What the bot has seen so far. */
export interface VoteBotStats {
  /** Visits started. */
  visits: number;
  /** Responses by HTTP status (0: no response: connection error). */
  readonly statuses: Map<number, number>;
  /** Visits skipped because too many were still in flight. */
  skipped: number;
}

const MAX_IN_FLIGHT = 16;

/**
 * The traffic generator: `rate` times a second it visits `web` like a browser would —
 * `GET /api/list`, then `GET /api/vote?choice=…`. It never overlaps more than 16 visits.
 */
export class VoteBot {
  readonly stats: VoteBotStats = { visits: 0, statuses: new Map(), skipped: 0 };
  readonly #options: VoteBotOptions;
  readonly #agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  readonly #random: () => number;
  readonly #others = CATALOG.map((e) => e.shortcode).filter((s) => s !== DOUGHNUT);
  #timer: NodeJS.Timeout | undefined;
  #inFlight = 0;

  constructor(options: VoteBotOptions) {
    this.#options = options;
    this.#random = options.random ?? Math.random;
  }

  /** Starts visiting. */
  start(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => this.#tick(), 1000 / this.#options.rate);
  }

  /** Stops visiting and closes idle connections; visits in flight finish on their own. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#agent.destroy();
  }

  /** The emoji the next vote is for. */
  pick(): string {
    if (this.#random() < this.#options.doughnutShare) return DOUGHNUT;
    return this.#others[Math.floor(this.#random() * this.#others.length)]!;
  }

  /** One visit: list, then vote. Resolves with the vote's status (0 when there was no answer). */
  async visit(): Promise<number> {
    this.stats.visits++;
    const list = await this.#get('/api/list');
    if (list !== 200) return list;
    return this.#get(`/api/vote?choice=${encodeURIComponent(this.pick())}`);
  }

  #tick(): void {
    if (this.#inFlight >= MAX_IN_FLIGHT) {
      this.stats.skipped++;
      return;
    }
    this.#inFlight++;
    void this.visit().finally(() => this.#inFlight--);
  }

  #get(path: string): Promise<number> {
    const { web } = this.#options;
    return new Promise<number>((resolve) => {
      let done = false;
      const record = (status: number) => {
        if (done) return;
        done = true;
        this.stats.statuses.set(status, (this.stats.statuses.get(status) ?? 0) + 1);
        resolve(status);
      };
      const req = http.request(
        {
          host: web.dial.host,
          port: web.dial.port,
          path,
          headers: { host: web.authority, 'user-agent': 'emojivoto-vote-bot' },
          agent: this.#agent,
          timeout: 10_000,
        },
        (res) => {
          res.resume();
          res.on('end', () => record(res.statusCode ?? 0));
          res.on('error', () => record(0));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', () => record(0));
      req.end();
    });
  }
}
