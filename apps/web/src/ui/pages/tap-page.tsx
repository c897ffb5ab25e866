import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, type ApiFailure, getJson, postNdjson } from '../api/api-client.js';
import type { NamespacesAnswer, PodsAnswer, TapEventRecord, TapRequestBody } from '../api/api-types.js';
import { EmptyState, FailureBanner } from '../components/failure-banner.js';
import type { TapFilters } from '../routing/routes.js';
import { navigate } from '../routing/use-location.js';
import { useDashboard } from '../state/dashboard-context.js';
import { usePoll } from '../state/use-poll.js';
import { TapRowFolder } from '../tap/tap-rows.js';
import { TapTable } from '../tap/tap-table.js';

const METHODS = ['', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

function target(resource: string, namespace: string): { kind: string; namespace: string; name?: string } {
  const [kind = '', name] = resource.split('/', 2);
  return name === undefined || name === '' ? { kind, namespace } : { kind, namespace, name };
}

/** The tap request the filters describe. */
export function tapBody(f: TapFilters): TapRequestBody {
  return {
    target: target(f.resource.trim(), f.namespace),
    ...(f.to.trim() === '' ? {} : { to: target(f.to.trim(), f.namespace) }),
    maxRps: f.maxRps,
    ...(f.method === '' ? {} : { method: f.method }),
    ...(f.path.trim() === '' ? {} : { path: f.path.trim() }),
    ...(f.authority.trim() === '' ? {} : { authority: f.authority.trim() }),
  };
}

/** Live tap: pick a resource and filters, start, and watch requests stream in; stop any time. */
export function TapPage({ filters }: { filters: TapFilters }) {
  const { intervalMs, windowParam } = useDashboard();
  const [form, setForm] = useState<TapFilters>(filters);
  const [running, setRunning] = useState(false);
  const [failure, setFailure] = useState<ApiFailure | undefined>();
  const [ended, setEnded] = useState(false);
  const [, setTick] = useState(0);
  const folder = useRef(new TapRowFolder(200));
  const abort = useRef<AbortController | undefined>(undefined);
  const dirty = useRef(false);

  useEffect(() => setForm(filters), [JSON.stringify(filters)]);
  // Rows arrive by the hundred per second: repaint a few times a second, not per event.
  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => {
      if (dirty.current) {
        dirty.current = false;
        setTick((n) => n + 1);
      }
    }, 200);
    return () => clearInterval(t);
  }, [running]);
  useEffect(() => () => abort.current?.abort(), []);

  const namespaces = usePoll(
    'namespaces',
    (s) => getJson<NamespacesAnswer>('api/namespaces', {}, s),
    intervalMs * 15,
  );
  const pods = usePoll(
    `pods ${form.namespace}`,
    (s) => getJson<PodsAnswer>('api/pods', { namespace: form.namespace }, s),
    intervalMs * 15,
  );
  const resources = [
    ...new Set([
      `namespace/${form.namespace}`,
      ...(pods.data?.pods ?? []).flatMap((p) => [
        ...(p.owner === null ? [] : [`${p.owner.kind}/${p.owner.name}`]),
        `pod/${p.name}`,
      ]),
    ]),
  ].sort();

  const start = () => {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    folder.current.clear();
    setFailure(undefined);
    setEnded(false);
    setRunning(true);
    setTick((n) => n + 1);
    navigate({ page: 'tap', filters: form }, windowParam, true);
    postNdjson(
      'api/tap',
      tapBody(form),
      (v) => {
        folder.current.add(v as TapEventRecord, Date.now());
        dirty.current = true;
      },
      controller.signal,
    )
      .then(
        () => {
          if (!controller.signal.aborted) setEnded(true);
        },
        (err: unknown) => {
          if (controller.signal.aborted) return;
          setFailure(
            err instanceof ApiError
              ? err.failure
              : { kind: 'dashboard-unreachable', message: (err as Error).message },
          );
        },
      )
      .finally(() => {
        if (abort.current === controller) {
          setRunning(false);
          setTick((n) => n + 1);
        }
      });
  };
  const stop = () => {
    abort.current?.abort();
    setRunning(false);
  };
  const set = (patch: Partial<TapFilters>) => setForm((f) => ({ ...f, ...patch }));
  const rows = folder.current.rows();

  return (
    <>
      <div class="page-head">
        <h1>Tap</h1>
      </div>
      <p class="lede">
        Watch live requests through the proxies of a resource. Tapping samples up to the rate you set and does
        not slow the traffic.
      </p>
      <form
        class="tap-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (running) stop();
          else start();
        }}
      >
        <label>
          Namespace
          <select
            value={form.namespace}
            onChange={(e) => set({ namespace: e.currentTarget.value, resource: 'deployment', to: '' })}
            disabled={running}
          >
            {[...new Set([form.namespace, ...(namespaces.data?.namespaces ?? [])])].sort().map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <label>
          Resource
          <input
            name="resource"
            list="tap-resources"
            value={form.resource}
            placeholder="deployment/web"
            required
            disabled={running}
            onInput={(e) => set({ resource: e.currentTarget.value })}
          />
        </label>
        <label>
          To
          <input
            name="to"
            list="tap-resources"
            value={form.to}
            placeholder="optional: deployment/api"
            disabled={running}
            onInput={(e) => set({ to: e.currentTarget.value })}
          />
        </label>
        <datalist id="tap-resources">
          {resources.map((r) => (
            <option key={r} value={r} />
          ))}
        </datalist>
        <label>
          Method
          <select
            name="method"
            value={form.method}
            disabled={running}
            onChange={(e) => set({ method: e.currentTarget.value })}
          >
            {METHODS.map((m) => (
              <option key={m} value={m}>
                {m === '' ? 'any' : m}
              </option>
            ))}
          </select>
        </label>
        <label>
          Path prefix
          <input
            name="path"
            value={form.path}
            placeholder="/api"
            disabled={running}
            onInput={(e) => set({ path: e.currentTarget.value })}
          />
        </label>
        <label>
          Authority
          <input
            name="authority"
            value={form.authority}
            placeholder="web.default.svc.cluster.local"
            disabled={running}
            onInput={(e) => set({ authority: e.currentTarget.value })}
          />
        </label>
        <label>
          Max RPS
          <input
            name="maxRps"
            type="number"
            min="1"
            step="1"
            value={form.maxRps}
            disabled={running}
            onInput={(e) => set({ maxRps: Math.max(1, Number(e.currentTarget.value) || 100) })}
          />
        </label>
        <div class="tap-buttons">
          <button
            type="submit"
            class={running ? 'button button-stop' : 'button button-primary'}
            data-tap-action={running ? 'stop' : 'start'}
          >
            {running ? 'Stop' : 'Start'}
          </button>
          <button
            type="button"
            class="button"
            onClick={() => {
              folder.current.clear();
              setTick((n) => n + 1);
            }}
          >
            Clear
          </button>
        </div>
      </form>
      <p class="tap-status" role="status" aria-live="polite" data-tap-state={running ? 'running' : 'stopped'}>
        {running ? (
          <>
            <span class="live-dot" aria-hidden="true" /> Tapping {form.resource} in {form.namespace}:{' '}
          </>
        ) : (
          'Stopped: '
        )}
        {rows.length} requests, {folder.current.events} events
        {ended ? ' — the controller ended the stream.' : ''}
      </p>
      {failure !== undefined && <FailureBanner failure={failure} />}
      {rows.length > 0 ? (
        <TapTable rows={rows} />
      ) : (
        !running &&
        failure === undefined && (
          <EmptyState title="Nothing tapped yet" name="no-tap">
            <p>Choose a resource and press Start. Only meshed pods can be tapped.</p>
          </EmptyState>
        )
      )}
      {running && rows.length === 0 && <p class="loading">Waiting for requests…</p>}
    </>
  );
}
