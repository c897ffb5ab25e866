import { type ChannelCredentials, credentials as grpcCredentials, Metadata } from '@grpc/grpc-js';
import { type Logger, nullLogger } from '@skein/core';
import { type Decoded, TapClient, type tap } from '@skein/core/proto';
import { Observable } from 'rxjs';
import { compileTapMatch } from '../server/tap-match.js';
import { TapNotFoundError, TapUnauthorizedError } from '../tap-errors.js';
import { DEFAULT_TAP_IGNORED_HEADERS } from './sensitive-headers.js';
import { tapEventRecord } from './tap-event-decoding.js';
import type { TapEventRecord, TapPeerRecord } from './tap-event-record.js';
import { DEFAULT_TAP_MAX_RPS, rpsPerPod, type TapByResourceRequest, tapMatchFor } from './tap-request.js';
import type { TapAccessPolicy, TapCaller, TapPod, TapTargetResolver } from './tap-target.js';

/** Options of {@link TapAggregator}. */
export interface TapAggregatorOptions {
  /** Finds the pods of a resource (the controller's Kubernetes or static inventory). */
  readonly resolver: TapTargetResolver;
  /** Who may tap what. */
  readonly policy: TapAccessPolicy;
  /** Credentials for the Observe streams (mTLS as the tap service); default plaintext. */
  readonly credentials?: ChannelCredentials;
  /** The identity each proxy must present (`l5d-require-id` metadata), when known. */
  readonly requireIdentity?: (pod: TapPod) => string | undefined;
  /**
   * Header names (any case) never passed on (`tap.ignoredHeaders`); default
   * {@link DEFAULT_TAP_IGNORED_HEADERS}. `[]` passes every header on.
   */
  readonly ignoredHeaders?: readonly string[];
  /** Length of an rps window (default 1000 ms). */
  readonly windowMs?: number;
  /** Logger. */
  readonly logger?: Logger;
}

type TapEventMessage = Decoded<typeof tap.TapEvent>;

/**
 * The control-plane side of tap (spec §8): authorizes the caller, finds the target's tappable
 * pods, opens `Tap.Observe` to each with the requested rate split across them (a `limit` of
 * rps×1s per 1-second window), and merges the events, label-hydrated, into one Observable.
 *
 * @example
 * ```ts
 * const events = await aggregator.open({ target: { namespace: 'demo', kind: 'deployment', name: 'web' } },
 *   { user: 'alice', groups: [] });
 * events.subscribe((e) => console.log(renderTapLine(e)));
 * ```
 */
export class TapAggregator {
  readonly #o: TapAggregatorOptions;
  readonly #log: Logger;
  readonly #ignored: ReadonlySet<string>;

  constructor(options: TapAggregatorOptions) {
    this.#o = options;
    this.#log = options.logger ?? nullLogger;
    this.#ignored = new Set(
      (options.ignoredHeaders ?? DEFAULT_TAP_IGNORED_HEADERS).map((h) => h.toLowerCase()),
    );
  }

  /**
   * Checks the request and the caller, finds the pods, and returns the event stream (cold:
   * streams open on subscribe and close on unsubscribe).
   * @throws {@link TapUnauthorizedError} when the policy refuses the caller.
   * @throws {@link TapNotFoundError} when the resource is unknown or no pod can be tapped.
   * @throws {@link TapRequestError} for an invalid filter.
   */
  async open(request: TapByResourceRequest, caller: TapCaller): Promise<Observable<TapEventRecord>> {
    const match = tapMatchFor(request);
    compileTapMatch(match);
    const rps = request.maxRps ?? DEFAULT_TAP_MAX_RPS;
    rpsPerPod(rps, 1);
    const target = request.target;
    if (!(await this.#o.policy.allowed(caller, target))) {
      throw new TapUnauthorizedError(
        `tap: user "${caller.user}" may not watch ${describe(target)} (verb watch, group tap.linkerd.io, resource ${target.kind}s, subresource tap)`,
      );
    }
    const pods = await this.#o.resolver.resolveTapTarget(target);
    const tappable = pods.filter((p) => p.tappable);
    if (tappable.length === 0) {
      const reasons = pods.map((p) => `pod ${p.namespace}/${p.name}: ${p.reason ?? 'not tappable'}`);
      throw new TapNotFoundError(
        `tap: no pods to tap for ${describe(target)}${reasons.length === 0 ? ' (it has no pods)' : `: ${reasons.join('; ')}`}`,
      );
    }
    const perPod = rpsPerPod(rps, tappable.length);
    const observe = {
      limit: perPod,
      match,
      ...(request.extractHeaders ? { extract: { http: { headers: {} } } } : {}),
    };
    return new Observable<TapEventRecord>((subscriber) => {
      const stops = tappable.map((pod) =>
        this.#streamPod(
          pod,
          observe,
          (e) => subscriber.next(e),
          (err) => subscriber.error(err),
        ),
      );
      return () => {
        for (const stop of stops) stop();
      };
    });
  }

  /** Runs Observe against one pod in rps windows until stopped; returns the stop function. */
  #streamPod(
    pod: TapPod,
    request: object,
    emit: (e: TapEventRecord) => void,
    fail: (err: Error) => void,
  ): () => void {
    const client = new TapClient(pod.tapAddress, this.#o.credentials ?? grpcCredentials.createInsecure());
    const windowMs = this.#o.windowMs ?? 1000;
    const proxy = `${pod.namespace}/${pod.name}`;
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let call: ReturnType<TapClient['observe']> | undefined;
    const open = () => {
      if (stopped) return;
      const started = Date.now();
      const metadata = new Metadata();
      const id = this.#o.requireIdentity?.(pod);
      if (id !== undefined) metadata.set('l5d-require-id', id);
      const c = client.observe(request, metadata);
      call = c;
      c.on('data', (message: TapEventMessage) => {
        const record = tapEventRecord(message, proxy, this.#ignored);
        if (record !== undefined) emit(this.#hydrate(record, pod));
      });
      c.on('error', (err: Error & { code?: number }) => {
        if (stopped || err.code === 1) return;
        this.#log.warn({ pod: proxy, err: err.message }, 'tap: Observe failed');
        stopped = true;
        client.close();
        fail(
          new TapNotFoundError(
            `tap: the proxy of pod ${proxy} at ${pod.tapAddress} refused or failed: ${err.message}`,
          ),
        );
      });
      c.on('end', () => {
        if (stopped) return;
        timer = setTimeout(open, Math.max(0, started + windowMs - Date.now()));
      });
    };
    open();
    return () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      call?.cancel();
      client.close();
    };
  }

  #hydrate(record: TapEventRecord, pod: TapPod): TapEventRecord {
    const known = (peer: TapPeerRecord): TapPeerRecord => {
      const p = this.#o.resolver.podByIp?.(peer.ip);
      return p === undefined ? peer : { ...peer, labels: { ...p.labels, ...peer.labels } };
    };
    const own = (peer: TapPeerRecord): TapPeerRecord => ({
      ...peer,
      labels: { ...pod.labels, ...peer.labels },
    });
    return record.direction === 'inbound'
      ? { ...record, source: known(record.source), destination: own(record.destination) }
      : { ...record, source: own(record.source), destination: known(record.destination) };
  }
}

function describe(t: { namespace: string; kind: string; name?: string }): string {
  return t.kind === 'namespace'
    ? `namespace/${t.name ?? t.namespace}`
    : `${t.kind}/${t.name ?? '*'} in namespace ${t.namespace}`;
}
