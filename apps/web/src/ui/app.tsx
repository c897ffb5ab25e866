import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, type ApiFailure, getJson } from './api/api-client.js';
import { AppHeader } from './components/app-header.js';
import { EmptyState, FailureBanner } from './components/failure-banner.js';
import type { DashboardConfig } from './dashboard-config.js';
import { NamespacePage } from './pages/namespace-page.js';
import { OverviewPage } from './pages/overview-page.js';
import { ResourcePage } from './pages/resource-page.js';
import { TapPage } from './pages/tap-page.js';
import { formatLocation, type Route } from './routing/routes.js';
import { useLocation } from './routing/use-location.js';
import { type Dashboard, DashboardContext } from './state/dashboard-context.js';
import { MetricHistory } from './state/metric-history.js';

const DEFAULT_WINDOW = '1m';

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'overview':
      return <OverviewPage />;
    case 'namespace':
      return <NamespacePage key={route.namespace} namespace={route.namespace} tab={route.tab} />;
    case 'resource':
      return <ResourcePage key={`${route.kind}/${route.namespace}/${route.name}`} {...route} />;
    case 'tap':
      return <TapPage filters={route.filters} />;
    case 'not-found':
      return (
        <EmptyState title="No such page" name="not-found">
          <p>
            Nothing lives at <code>{route.path}</code>. Go to the{' '}
            <a href={formatLocation({ page: 'overview' })}>overview</a>.
          </p>
        </EmptyState>
      );
  }
}

/** The dashboard: loads the server's configuration, then routes by the URL hash. */
export function App() {
  const location = useLocation();
  const [config, setConfig] = useState<DashboardConfig | undefined>();
  const [failure, setFailure] = useState<ApiFailure | undefined>();
  // Two views polling one resource record it twice per interval: keep one sample per interval.
  const interval = config?.refreshIntervalMs ?? 2000;
  const history = useMemo(() => new MetricHistory({ capacity: 60, minGapMs: interval / 2 }), [interval]);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = () =>
      getJson<DashboardConfig>('config.json').then(setConfig, (err: unknown) => {
        setFailure(
          err instanceof ApiError ? err.failure : { kind: 'dashboard-unreachable', message: String(err) },
        );
        timer = setTimeout(load, 3000);
      });
    void load();
    return () => clearTimeout(timer);
  }, []);

  useEffect(() => {
    const r = location.route;
    const where =
      r.page === 'overview'
        ? 'Overview'
        : r.page === 'namespace'
          ? r.namespace
          : r.page === 'resource'
            ? `${r.kind}/${r.name}`
            : r.page === 'tap'
              ? 'Tap'
              : 'Not found';
    document.title = `${where} · Skein`;
  }, [location]);

  if (config === undefined) {
    return (
      <main id="main" class="content">
        {failure === undefined ? (
          <p class="loading">Loading…</p>
        ) : (
          <FailureBanner failure={failure} retryMs={3000} />
        )}
      </main>
    );
  }
  const dashboard: Dashboard = {
    config,
    history,
    window: location.window ?? DEFAULT_WINDOW,
    windowParam: location.window,
    intervalMs: config.refreshIntervalMs,
  };
  return (
    <DashboardContext.Provider value={dashboard}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <AppHeader location={location} />
      <main id="main" class="content" tabIndex={-1}>
        <Page route={location.route} />
      </main>
      <footer class="app-footer">
        skein-web {config.version} · controller <code>{config.controller.url}</code> (from{' '}
        {config.controller.origin}) · updates every {config.refreshIntervalMs / 1000}s
      </footer>
    </DashboardContext.Provider>
  );
}
