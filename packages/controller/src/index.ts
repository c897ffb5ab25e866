/**
 * `@skein/controller`: the public API of a Skein mesh as a library — stat, edges, routes and
 * tap queries over a {@link MetricsSource} (Prometheus or the built-in scraper) and an
 * {@link Inventory} (Kubernetes or static), served as an HTTP JSON API described by OpenAPI.
 *
 * @packageDocumentation
 */
export {
  type ControllerApiOptions,
  type ControllerServer,
  controllerApi,
  startControllerServer,
} from './api/controller-api.js';
export { CONTROLLER_OPENAPI } from './api/openapi.js';
export { DEFAULT_WINDOW } from './api/query-params.js';
export {
  callerFromRemoteHeaders,
  sendError,
  serveTapRequest,
  statusForError,
  type TapApiOptions,
  tapApiListener,
  tapTargetFromPath,
} from './api/tap-endpoint.js';
export { tapRequestFromJson } from './api/tap-request-json.js';
export {
  ControllerErrorCode,
  InvalidQueryError,
  InventoryError,
  MetricsUnavailableError,
  ResourceNotFoundError,
} from './errors.js';
export {
  type Inventory,
  type PodInfo,
  type PodProxy,
  type ProfileInfo,
  podResourceLabels,
  type ServiceInfo,
  WORKLOAD_KINDS,
  type WorkloadKind,
} from './inventory/inventory.js';
export {
  type InventorySource,
  type InventorySourceOptions,
  loadInventorySource,
} from './inventory/inventory-source.js';
export {
  KubernetesInventory,
  type KubernetesInventoryOptions,
  type PodTapContext,
  podInfoFromKubernetes,
} from './inventory/kubernetes-inventory.js';
export { compileLabelSelector, type LabelSelectorPredicate } from './inventory/label-selector.js';
export {
  canonicalKind,
  describeResource,
  inventoryTapResolver,
  listResources,
  RESOURCE_KINDS,
  type ResourceGroup,
  type ResourceKind,
  type ResourceRef,
} from './inventory/resources.js';
export {
  parseStaticInventory,
  StaticInventory,
  type StaticInventoryData,
} from './inventory/static-inventory.js';
export { subjectAccessReviewPolicy } from './inventory/subject-access-review.js';
export {
  clearLocalMeshState,
  type LocalMeshState,
  localMeshStatePath,
  readLocalMeshState,
  writeLocalMeshState,
} from './local-mesh-state.js';
export {
  type AggregatedSample,
  escapeRegex,
  type LabelMatch,
  type LabelMatcher,
  labelsMatch,
  type MetricsSource,
  type RateQuery,
  type SeriesQuery,
} from './metrics/metrics-source.js';
export { prometheusScrapeConfig } from './metrics/prometheus-config.js';
export {
  PrometheusMetricsSource,
  type PrometheusSourceOptions,
  promqlCurrent,
  promqlRate,
  promqlSelector,
} from './metrics/prometheus-source.js';
export { type ExpositionSample, parsePrometheusText } from './metrics/prometheus-text.js';
export {
  extrapolatedRate,
  ProxyScraper,
  type ProxyScraperOptions,
  type ScrapeTargetHealth,
} from './metrics/proxy-scraper.js';
export { type ScrapeTarget, withTargetLabels } from './metrics/scrape-target.js';
export { scrapeTargets } from './metrics/scrape-targets-from-inventory.js';
export { type EdgeRow, type EdgesQuery, queryEdges } from './query/edges.js';
export { type HistogramBucket, histogramQuantile } from './query/histogram-quantile.js';
export { DEFAULT_ROUTE, queryRoutes, type RouteRow, type RoutesQuery } from './query/routes.js';
export { type MeasuredFrom, queryStat, type StatQuery, type StatRow } from './query/stat.js';
export type { TcpStats, TrafficStats } from './query/traffic.js';
