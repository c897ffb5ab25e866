import type { Logger } from '@skein/core';
import type { Observable, Subscription } from 'rxjs';
import { DestinationError, DestinationStatus } from '../discovery-error.js';
import type { SnapshotSource } from './destination-backend.js';

/** One subscriber's stream, seen by a topic: encoded messages in, a status out. */
export interface StreamSink {
  /** Writes one encoded message. */
  send(message: Buffer): void;
  /** Ends the stream with the error's status. */
  fail(error: DestinationError): void;
}

/** Turns snapshots into the messages of one API method. */
export interface TopicTranslator<S> {
  /** The first messages of a new stream at `snapshot`, or the error that ends it at once. */
  initial(snapshot: S): Buffer[] | DestinationError;
  /** The messages that bring streams at `prev` to `next` (none when nothing visible changed). */
  next(prev: S, next: S): Buffer[];
}

/**
 * One upstream subscription shared by every stream with the same key. Messages are computed and
 * encoded once per change and written to every stream, which works because all streams of a
 * topic always hold the same last snapshot: a new stream starts from the current one.
 */
class SnapshotTopic<S> {
  readonly #sinks = new Set<StreamSink>();
  readonly #pending = new Set<StreamSink>();
  readonly #translator: TopicTranslator<S>;
  readonly #onDone: () => void;
  readonly #subscription: Subscription;
  #current: S | undefined;
  #has = false;
  #attached = false;
  #done = false;

  constructor(source: Observable<S>, translator: TopicTranslator<S>, onDone: () => void, logger: Logger) {
    this.#translator = translator;
    this.#onDone = onDone;
    this.#subscription = source.subscribe({
      next: (s) => this.#publish(s),
      error: (err: unknown) => {
        logger.error({ err }, 'destination view failed');
        const error =
          err instanceof DestinationError
            ? err
            : new DestinationError(
                DestinationStatus.Unavailable,
                `discovery failed: ${(err as Error).message}`,
              );
        for (const sink of [...this.#sinks, ...this.#pending]) sink.fail(error);
        this.#close();
      },
    });
  }

  get size(): number {
    return this.#sinks.size + this.#pending.size;
  }

  add(sink: StreamSink): void {
    this.#attached = true;
    if (!this.#has) {
      this.#pending.add(sink);
      return;
    }
    this.#start(sink, this.#current as S);
    this.#closeIfEmpty();
  }

  remove(sink: StreamSink): void {
    this.#sinks.delete(sink);
    this.#pending.delete(sink);
    if (this.size === 0) this.#close();
  }

  #start(sink: StreamSink, snapshot: S): void {
    const first = this.#translator.initial(snapshot);
    if (first instanceof DestinationError) {
      sink.fail(first);
      return;
    }
    this.#sinks.add(sink);
    for (const m of first) sink.send(m);
  }

  #publish(snapshot: S): void {
    if (this.#has) {
      const messages = this.#translator.next(this.#current as S, snapshot);
      this.#current = snapshot;
      if (messages.length > 0) {
        for (const sink of [...this.#sinks]) for (const m of messages) sink.send(m);
      }
    } else {
      this.#current = snapshot;
      this.#has = true;
    }
    if (this.#pending.size > 0) {
      const waiting = [...this.#pending];
      this.#pending.clear();
      for (const sink of waiting) this.#start(sink, snapshot);
    }
    this.#closeIfEmpty();
  }

  /** A topic whose last stream failed at its start (NotFound) has nobody left to serve. */
  #closeIfEmpty(): void {
    if (this.#attached && this.size === 0) this.#close();
  }

  #close(): void {
    if (this.#done) return;
    this.#done = true;
    // The subscription may not be assigned yet when the source emits synchronously.
    queueMicrotask(() => this.#subscription.unsubscribe());
    this.#onDone();
  }
}

/** Topics by key: the fan-out point between backend views and client streams. */
export class TopicRegistry<S> {
  readonly #topics = new Map<string, SnapshotTopic<S>>();
  readonly #translator: TopicTranslator<S>;
  readonly #logger: Logger;

  constructor(translator: TopicTranslator<S>, logger: Logger) {
    this.#translator = translator;
    this.#logger = logger;
  }

  /** Number of live topics (distinct views being watched). */
  get size(): number {
    return this.#topics.size;
  }

  /** Attaches `sink` to the topic of `source.key`, creating it if needed; returns the detach function. */
  attach(source: SnapshotSource<S>, sink: StreamSink): () => void {
    let topic = this.#topics.get(source.key);
    if (topic === undefined) {
      const created: SnapshotTopic<S> = new SnapshotTopic(
        source.snapshots,
        this.#translator,
        () => {
          if (this.#topics.get(source.key) === created) this.#topics.delete(source.key);
        },
        this.#logger,
      );
      topic = created;
      this.#topics.set(source.key, topic);
    }
    const attached = topic;
    attached.add(sink);
    return () => attached.remove(sink);
  }
}
