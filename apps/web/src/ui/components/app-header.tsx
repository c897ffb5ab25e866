import { getJson } from '../api/api-client.js';
import type { NamespacesAnswer, VersionAnswer } from '../api/api-types.js';
import { formatLocation, type Location, tapRoute, WINDOWS } from '../routing/routes.js';
import { navigate } from '../routing/use-location.js';
import { useDashboard } from '../state/dashboard-context.js';
import { type ThemeChoice, useTheme } from '../state/theme.js';
import { usePoll } from '../state/use-poll.js';

const THEME_LABEL: Readonly<Record<ThemeChoice, string>> = { system: 'Auto', light: 'Light', dark: 'Dark' };

/** The top bar: home, namespaces, tap, the stat window, the theme, and whether the view is live. */
export function AppHeader({ location }: { location: Location }) {
  const { intervalMs, window, config } = useDashboard();
  const [theme, nextTheme] = useTheme();
  const namespaces = usePoll(
    'namespaces',
    (s) => getJson<NamespacesAnswer>('api/namespaces', {}, s),
    intervalMs * 5,
  );
  const version = usePoll('version', (s) => getJson<VersionAnswer>('api/version', {}, s), intervalMs * 5);
  const route = location.route;
  const currentNs = route.page === 'namespace' || route.page === 'resource' ? route.namespace : '';
  const live = version.failure === undefined && version.data !== undefined;
  return (
    <header class="app-header">
      <a class="brand" href={formatLocation({ page: 'overview' }, location.window)}>
        <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" class="brand-mark">
          <path d="M4 7c5 0 5 10 10 10s5-10 6-10M4 17c5 0 5-10 10-10" />
        </svg>
        Skein
      </a>
      <nav class="main-nav" aria-label="Main">
        <a
          href={formatLocation({ page: 'overview' }, location.window)}
          aria-current={route.page === 'overview' ? 'page' : undefined}
        >
          Overview
        </a>
        <a
          href={formatLocation(tapRoute(currentNs || 'default', 'deployment'), location.window)}
          aria-current={route.page === 'tap' ? 'page' : undefined}
        >
          Tap
        </a>
      </nav>
      <div class="header-tools">
        <label>
          <span class="visually-hidden">Namespace</span>
          <select
            value={currentNs}
            onChange={(e) => {
              const ns = e.currentTarget.value;
              if (ns !== '')
                navigate({ page: 'namespace', namespace: ns, tab: 'deployments' }, location.window);
            }}
          >
            <option value="">Namespace…</option>
            {(namespaces.data?.namespaces ?? []).map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span class="visually-hidden">Time window</span>
          <select
            value={window}
            title="Window the figures are computed over"
            onChange={(e) => navigate(route, e.currentTarget.value, true)}
          >
            {WINDOWS.map((w) => (
              <option key={w} value={w}>
                {w}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          class="button button-small"
          onClick={nextTheme}
          aria-label={`Theme: ${THEME_LABEL[theme]}. Change theme`}
          data-theme-toggle={theme}
        >
          <span aria-hidden="true">{theme === 'dark' ? '☾' : theme === 'light' ? '☀' : '◐'}</span>{' '}
          {THEME_LABEL[theme]}
        </button>
        <span
          class={`live ${live ? 'live-on' : 'live-off'}`}
          role="status"
          title={
            live
              ? `controller ${version.data?.version} (${version.data?.metricsSource}) at ${config.controller.url}`
              : `controller at ${config.controller.url} not answering`
          }
          data-live={live ? 'on' : 'off'}
        >
          <span class="live-dot" aria-hidden="true" />
          {live ? 'Live' : 'Offline'}
        </span>
      </div>
    </header>
  );
}
