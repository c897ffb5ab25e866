import { type Logger, nullLogger } from '@skein/core';
import { MetricsUnavailableError } from '../errors.js';
import {
  type AggregatedSample,
  labelsMatch,
  type MetricsSource,
  type RateQuery,
  type SeriesQuery,
} from './metrics-source.js';
import { type ExpositionSample, parsePrometheusText } from './prometheus-text.js';
import { type ScrapeTarget, withTargetLabels } from './scrape-target.js';

/** Options of {@link ProxyScraper}. */
export interface ProxyScraperOptions {
  /** The proxies to scrape, asked before every round (the inventory changes). */
  readonly targets: () => Promise<readonly ScrapeTarget[]>;
  /** Time between rounds (default 10 s, Linkerd's Prometheus interval). */
  readonly intervalMs?: number;
  /** How much history to keep (default 10 minutes); also the longest window answered. */
  readonly retentionMs?: number;
  /** Per-scrape timeout (default 2 s). */
  readonly timeoutMs?: number;
  /** Clock, for tests of the history (default `Date.now`). */
  readonly now?: () => number;
  /** Logger. */
  readonly logger?: Logger;
}

/** The state of one scrape target. */
export interface ScrapeTargetHealth {
  /** Address. */
  readonly address: string;
  /** Target labels. */
  readonly labels: Readonly<Record<string, string>>;
  /** Whether the last scrape worked. */
  readonly up: boolean;
  /** The last error, when it failed. */
  readonly lastError?: string;
  /** Time of the last scrape (ms since the epoch). */
  readonly lastScrape?: number;
}

interface Snapshot {
  readonly at: number;
  readonly samples: readonly ExpositionSample[];
}

interface TargetState {
  target: ScrapeTarget;
  snapshots: Snapshot[];
  up: boolean;
  lastError?: string;
  lastScrape?: number;
}

/**
 * The built-in scraper: reads every proxy's `/metrics` on an interval and keeps a short
 * history per target so rates can be computed without Prometheus (the embedded default on one
 * machine). Call {@link ProxyScraper.start} to scrape on a timer, or {@link ProxyScraper.scrape}
 * for one round.
 */
export class ProxyScraper implements MetricsSource {
  readonly #o: ProxyScraperOptions;
  readonly #log: Logger;
  readonly #targets = new Map<string, TargetState>();
  readonly #regexes = new Map<string, RegExp>();
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;
  #round: Promise<void> | undefined;

  constructor(options: ProxyScraperOptions) {
    this.#o = options;
    this.#log = options.logger ?? nullLogger;
    this.#now = options.now ?? Date.now;
  }

  /** Scrapes now and then every interval until {@link ProxyScraper.stop}. */
  start(): void {
    if (this.#timer !== undefined) return;
    void this.scrape();
    this.#timer = setInterval(() => void this.scrape(), this.#o.intervalMs ?? 10_000);
    this.#timer.unref();
  }

  /** Stops the timer (a round in flight finishes). */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One round over every target; concurrent calls share the round in flight. */
  scrape(): Promise<void> {
    this.#round ??= this.#scrapeAll().finally(() => {
      this.#round = undefined;
    });
    return this.#round;
  }

  /** Each target's last scrape. */
  health(): ScrapeTargetHealth[] {
    return [...this.#targets.values()].map((s) => ({
      address: s.target.address,
      labels: s.target.labels,
      up: s.up,
      ...(s.lastError === undefined ? {} : { lastError: s.lastError }),
      ...(s.lastScrape === undefined ? {} : { lastScrape: s.lastScrape }),
    }));
  }

  async #scrapeAll(): Promise<void> {
    let targets: readonly ScrapeTarget[];
    try {
      targets = await this.#o.targets();
    } catch (err) {
      this.#log.warn({ err }, 'scraper: could not list targets');
      return;
    }
    const keep = new Set(targets.map((t) => t.address));
    for (const address of this.#targets.keys()) if (!keep.has(address)) this.#targets.delete(address);
    await Promise.all(targets.map((t) => this.#scrapeOne(t)));
  }

  async #scrapeOne(target: ScrapeTarget): Promise<void> {
    let state = this.#targets.get(target.address);
    if (state === undefined) {
      state = { target, snapshots: [], up: false };
      this.#targets.set(target.address, state);
    }
    state.target = target;
    const at = this.#now();
    try {
      const res = await fetch(`http://${target.address}/metrics`, {
        signal: AbortSignal.timeout(this.#o.timeoutMs ?? 2000),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const { samples } = parsePrometheusText(await res.text());
      const labelled = samples.map((s) => ({ ...s, labels: withTargetLabels(s.labels, target.labels) }));
      state.snapshots.push({ at, samples: labelled });
      const oldest = at - (this.#o.retentionMs ?? 600_000);
      while (state.snapshots.length > 2 && state.snapshots[0]!.at < oldest) state.snapshots.shift();
      state.up = true;
      delete state.lastError;
    } catch (err) {
      state.up = false;
      state.lastError = err instanceof Error ? err.message : String(err);
      this.#log.debug({ target: target.address, err: state.lastError }, 'scraper: scrape failed');
    }
    state.lastScrape = at;
  }

  async rate(query: RateQuery): Promise<AggregatedSample[]> {
    const now = this.#now();
    const from = now - query.windowMs;
    const sums = new Map<string, AggregatedSample & { value: number }>();
    for (const state of this.#targets.values()) {
      const inWindow = state.snapshots.filter((s) => s.at >= from);
      if (inWindow.length < 2) continue;
      const seconds = (inWindow[inWindow.length - 1]!.at - inWindow[0]!.at) / 1000;
      const series = new Map<string, { labels: Record<string, string>; values: number[] }>();
      for (const [i, snap] of inWindow.entries()) {
        for (const s of snap.samples) {
          if (s.name !== query.metric || !labelsMatch(s.labels, query.match, this.#regexes)) continue;
          const key = seriesKey(s.labels);
          let e = series.get(key);
          if (e === undefined) {
            // A counter first seen after an earlier scrape of this target in the window was
            // created in between: it started from zero (Prometheus would miss this increase).
            e = { labels: s.labels, values: i > 0 ? [0] : [] };
            series.set(key, e);
          }
          e.values.push(s.value);
        }
      }
      for (const e of series.values()) {
        if (e.values.length < 2) continue;
        add(sums, query.by, e.labels, increase(e.values) / seconds);
      }
    }
    return [...sums.values()];
  }

  async current(query: SeriesQuery): Promise<AggregatedSample[]> {
    const sums = new Map<string, AggregatedSample & { value: number }>();
    for (const state of this.#targets.values()) {
      const last = state.snapshots[state.snapshots.length - 1];
      if (last === undefined || !state.up) continue;
      for (const s of last.samples) {
        if (s.name === query.metric && labelsMatch(s.labels, query.match, this.#regexes)) {
          add(sums, query.by, s.labels, s.value);
        }
      }
    }
    return [...sums.values()];
  }

  /** Throws when no target could ever be scraped (nothing to answer from). */
  assertUsable(): void {
    if (this.#targets.size > 0 && [...this.#targets.values()].every((t) => t.snapshots.length === 0)) {
      const first = [...this.#targets.values()][0]!;
      throw new MetricsUnavailableError(
        `no proxy could be scraped (e.g. ${first.target.address}: ${first.lastError ?? 'no answer yet'})`,
      );
    }
  }
}

/** Counter increase over successive values, counting a drop as a reset (Prometheus's rule). */
function increase(values: readonly number[]): number {
  let total = 0;
  for (let i = 1; i < values.length; i++) {
    const d = values[i]! - values[i - 1]!;
    total += d >= 0 ? d : values[i]!;
  }
  return total;
}

function seriesKey(labels: Readonly<Record<string, string>>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join('\u0000');
}

function add(
  sums: Map<string, AggregatedSample & { value: number }>,
  by: readonly string[],
  labels: Readonly<Record<string, string>>,
  value: number,
): void {
  const picked: Record<string, string> = {};
  for (const k of by) picked[k] = labels[k] ?? '';
  const key = by.map((k) => picked[k]).join('\u0000');
  const e = sums.get(key);
  if (e === undefined) sums.set(key, { labels: picked, value });
  else e.value += value;
}
