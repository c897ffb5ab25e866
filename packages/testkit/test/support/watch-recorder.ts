import { type KubeConfig, Watch } from '@kubernetes/client-node';

/** One event a Watch delivered. */
export interface SeenEvent {
  type: string;
  name: string | undefined;
  rv: string | undefined;
  object: Record<string, unknown>;
}

/** A real client Watch whose events and end are recorded. */
export interface WatchRecorder {
  events: SeenEvent[];
  /** Resolves with the error (or null) the watch ended with. */
  done: Promise<unknown>;
  abort(): void;
}

/** Starts a client-node Watch on `path` and records what it sees. */
export async function recordWatch(
  kc: KubeConfig,
  path: string,
  query: Record<string, string | number | boolean>,
): Promise<WatchRecorder> {
  const events: SeenEvent[] = [];
  let finish: (err: unknown) => void = () => {};
  const done = new Promise<unknown>((resolve) => {
    finish = resolve;
  });
  const controller = await new Watch(kc).watch(
    path,
    query,
    (type, object: { metadata?: { name?: string; resourceVersion?: string } }) => {
      events.push({ type, name: object.metadata?.name, rv: object.metadata?.resourceVersion, object });
    },
    (err) => finish(err),
  );
  return { events, done, abort: () => controller.abort() };
}
