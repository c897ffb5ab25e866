import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { DashboardConfig } from '../dashboard-config.js';
import type { MetricHistory } from './metric-history.js';

/** What every page needs: the server's configuration, the metric history and the stat window. */
export interface Dashboard {
  readonly config: DashboardConfig;
  readonly history: MetricHistory;
  /** Stat window (`1m`). */
  readonly window: string;
  /** The window the URL chose, for links (undefined: the default, left out of links). */
  readonly windowParam: string | undefined;
  /** Poll interval, ms. */
  readonly intervalMs: number;
}

/** The dashboard's context; provided by the app once `config.json` arrived. */
export const DashboardContext = createContext<Dashboard | undefined>(undefined);

/** The dashboard's context. */
export function useDashboard(): Dashboard {
  const d = useContext(DashboardContext);
  if (d === undefined) throw new Error('useDashboard outside the dashboard');
  return d;
}
