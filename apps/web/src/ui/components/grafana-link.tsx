import { useDashboard } from '../state/dashboard-context.js';

/** Props of {@link GrafanaLink}. */
export interface GrafanaLinkProps {
  /** Dashboard uid (`skein-deployment`). */
  readonly uid: 'skein-top-line' | 'skein-deployment' | 'skein-pod';
  /** Template variables (`namespace`, `deployment`, `pod`). */
  readonly vars?: Readonly<Record<string, string>>;
  readonly label: string;
}

/** A link to one of the Skein Grafana dashboards, when the server knows Grafana's URL. */
export function GrafanaLink({ uid, vars = {}, label }: GrafanaLinkProps) {
  const { config } = useDashboard();
  if (config.grafanaUrl === null) return null;
  const q = new URLSearchParams(Object.entries(vars).map(([k, v]) => [`var-${k}`, v]));
  const query = q.toString();
  return (
    <a
      class="button button-small grafana"
      href={`${config.grafanaUrl}/d/${uid}/${uid}${query === '' ? '' : `?${query}`}`}
      target="_blank"
      rel="noreferrer noopener"
      data-grafana={uid}
    >
      {label} <span aria-hidden="true">↗</span>
    </a>
  );
}
