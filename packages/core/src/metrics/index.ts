export { type BuildInfo, buildInfoFamily, registerBuildInfo } from './build-info.js';
export { CollectedCounterFamily, CollectedGaugeFamily } from './collected-family.js';
export { CounterFamily } from './counter-family.js';
export {
  escapeHelp,
  escapeLabelValue,
  formatSampleValue,
  isValidLabelName,
  isValidMetricName,
} from './exposition.js';
export {
  DEFAULT_MAX_SERIES,
  DEFAULT_RETAIN_IDLE_MS,
  type FamilyOptions,
  MetricFamily,
  type MetricsRegistry,
  type PromValue,
} from './family.js';
export { GaugeFamily } from './gauge-family.js';
export { HistogramFamily, type HistogramFamilyOptions } from './histogram-family.js';
export {
  type HttpFamilies,
  HttpTargetMetrics,
  type ResponseClassification,
  type ResponseSeries,
} from './http-metrics.js';
export { IdentityCertMetrics } from './identity-metrics.js';
export { type LabelInput, LabelSet, type LabelValue } from './label-set.js';
export {
  type ErrorFamily,
  LATENCY_MS_BUCKETS,
  LegacyMetrics,
  type LegacyMetricsOptions,
} from './legacy-metrics.js';
export {
  authzLabels,
  controlLabels,
  type Direction,
  type InboundEndpointLabels,
  type InboundTls,
  inboundEndpointLabels,
  type LabelPairs,
  type OutboundEndpointLabels,
  type OutboundTls,
  outboundEndpointLabels,
  type ResourceRef,
  routeLabels,
  type ServerRef,
  type TargetAddr,
  targetPairs,
  tcpClientLabels,
  tcpServerLabels,
  tlsPairs,
} from './linkerd-labels.js';
export { ProcessMetrics, type ProcessMetricsOptions, registerProcessMetrics } from './process-metrics.js';
export { assertUnregistered } from './registration.js';
export { RouteTargetMetrics } from './route-metrics.js';
export {
  CounterSeries,
  GaugeSeries,
  HistogramSeries,
  type Series,
  type SeriesOwner,
  SeriesState,
  type SeriesStateValue,
} from './series.js';
export { type TcpFamilies, TcpTargetMetrics } from './tcp-metrics.js';
