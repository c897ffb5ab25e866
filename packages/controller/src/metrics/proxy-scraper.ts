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
      const series = new Map<
        string,
        { labels: Record<string, string>; points: { at: number; value: number }[] }
      >();
      for (const [i, snap] of inWindow.entries()) {
        for (const s of snap.samples) {
          if (s.name !== query.metric || !labelsMatch(s.labels, query.match, this.#regexes)) continue;
          const key = seriesKey(s.labels);
          let e = series.get(key);
          if (e === undefined) {
            // A counter first seen after an earlier scrape of this target in the window was
            // created in between: it started from zero (Prometheus would miss this increase).
            e = { labels: s.labels, points: i > 0 ? [{ at: inWindow[i - 1]!.at, value: 0 }] : [] };
            series.set(key, e);
          }
          e.points.push({ at: snap.at, value: s.value });
        }
      }
      for (const e of series.values()) {
        if (e.points.length < 2) continue;
        add(sums, query.by, e.labels, extrapolatedRate(e.points, from, now));
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

/**
 * Per-second rate of a counter over `[start, end]`, computed as Prometheus's `rate()` does so
 * that both metrics sources agree: the increase between the first and last samples (a drop
 * counts as a reset), extrapolated towards the window's edges — all the way when the nearest
 * sample is within 1.1 average scrape intervals of the edge, else half an interval, and never
 * below zero at the start — then divided by the whole window.
 */
export function extrapolatedRate(
  points: readonly { at: number; value: number }[],
  start: number,
  end: number,
): number {
  let increase = 0;
  for (let i = 1; i < points.length; i++) {
    const d = points[i]!.value - points[i - 1]!.value;
    increase += d >= 0 ? d : points[i]!.value;
  }
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const sampled = (last.at - first.at) / 1000;
  if (sampled <= 0) return 0;
  const average = sampled / (points.length - 1);
  let toStart = (first.at - start) / 1000;
  const toEnd = (end - last.at) / 1000;
  if (increase > 0 && first.value >= 0) {
    const toZero = sampled * (first.value / increase);
    if (toZero < toStart) toStart = toZero;
  }
  const threshold = average * 1.1;
  let interval = sampled;
  interval += toStart < threshold ? toStart : average / 2;
  interval += toEnd < threshold ? toEnd : average / 2;
  return (increase * (interval / sampled)) / ((end - start) / 1000);
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
