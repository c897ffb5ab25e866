import type { ComponentChildren } from 'preact';
import type { ApiFailure } from '../api/api-client.js';

/** Props of {@link FailureBanner}. */
export interface FailureBannerProps {
  readonly failure: ApiFailure;
  /** How often the page retries, ms; undefined when it does not (a tap: press Start again). */
  readonly retryMs?: number;
  /** Whether older data is still shown below. */
  readonly stale?: boolean;
}

/** Explains a failed request and what to do about it; announced to screen readers. */
export function FailureBanner({ failure, retryMs, stale }: FailureBannerProps) {
  const retry =
    retryMs === undefined
      ? 'Press Start to try again.'
      : `Retrying every ${(retryMs / 1000).toFixed(retryMs % 1000 === 0 ? 0 : 1)}s${stale ? '; the figures below are from the last answer' : ''}.`;
  if (failure.kind === 'controller-unreachable') {
    return (
      <div class="banner banner-error" role="alert" data-failure="controller-unreachable">
        <strong>The Skein controller is not answering.</strong>
        <p class="banner-detail">{failure.message}</p>
        <p>
          Start it — on one machine <code>npm start</code> (the local mesh) or{' '}
          <code>skein-controller --inventory inventory.yaml</code>; on Kubernetes check the{' '}
          <code>skein-controller</code> pod — or point the dashboard at it with{' '}
          <code>skein-web --api-addr HOST:PORT</code> (<code>SKEIN_WEB_API_ADDR</code>). {retry}
        </p>
      </div>
    );
  }
  if (failure.kind === 'dashboard-unreachable') {
    return (
      <div class="banner banner-error" role="alert" data-failure="dashboard-unreachable">
        <strong>The dashboard server is not answering.</strong>
        <p class="banner-detail">{failure.message}</p>
        <p>
          Is <code>skein-web</code> still running? <code>skein dashboard</code> starts it again. {retry}
        </p>
      </div>
    );
  }
  return (
    <div class="banner banner-warning" role="alert" data-failure="api">
      <strong>The controller could not answer this view.</strong>
      <p class="banner-detail">
        {failure.message} <span class="muted">({failure.code})</span>
      </p>
      <p>{retry}</p>
    </div>
  );
}

/** Props of {@link EmptyState}. */
export interface EmptyStateProps {
  readonly title: string;
  readonly children: ComponentChildren;
  /** Test hook naming the state. */
  readonly name: string;
}

/** Says why there is nothing to show and what to do about it. */
export function EmptyState({ title, children, name }: EmptyStateProps) {
  return (
    <div class="empty" data-empty={name}>
      <strong>{title}</strong>
      <div>{children}</div>
    </div>
  );
}
