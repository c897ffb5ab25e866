/**
 * `@skein/install`: Skein on Kubernetes. The control-plane renderer (manifests as code: CRDs,
 * RBAC, Deployments, webhooks, identity material, Prometheus, Grafana dashboards, heartbeat),
 * the Helm chart generator, the `skein check` engine, upgrade and uninstall support, and the
 * heartbeat report.
 *
 * @packageDocumentation
 */

export { CheckContext, type CheckContextOptions, type InstalledValues } from './check/check-context.js';
export {
  type CheckCategory,
  type CheckDefinition,
  type CheckVerdict,
  fail,
  ok,
  warn,
} from './check/check-model.js';
export { CHECK_CATEGORIES, type CheckSelection, checkCategories } from './check/check-plan.js';
export {
  CheckMark,
  formatCategoryHeader,
  formatCheckJson,
  formatCheckResult,
  formatCheckTable,
  formatStatusLine,
} from './check/format-check-report.js';
export {
  type CategoryResult,
  type CheckEvent,
  type CheckReport,
  type CheckResult,
  DEFAULT_HINT_BASE_URL,
  type RunChecksOptions,
  runChecks,
} from './check/run-checks.js';
export {
  type AccessQuestion,
  type ClusterReader,
  type KubeConfigOptions,
  kubeClusterReader,
  loadKubeConfig,
  type ObjectKey,
  type ServerVersion,
} from './cluster/cluster-reader.js';
export { type CrdDefinition, type CrdVersion, customResourceDefinition } from './crds/crd-builder.js';
export { CRD_DEFINITIONS, type CrdOptions, crdNames, renderCrds } from './crds/render-crds.js';
export {
  type DashboardSpec,
  dashboardQueries,
  type GrafanaDashboard,
  type PanelQuery,
  type PanelSpec,
  toGrafanaDashboard,
  type VariableSpec,
} from './dashboards/dashboard-model.js';
export { type DashboardOptions, grafanaDashboards } from './dashboards/grafana-dashboards.js';
export {
  InstallError,
  InstallErrorCode,
  type InstallErrorCodeValue,
  InstallValuesError,
} from './errors.js';
export {
  collectHeartbeat,
  HEARTBEAT_QUERIES,
  type HeartbeatQuery,
  type HeartbeatReport,
  type HeartbeatSources,
} from './heartbeat/heartbeat-report.js';
export {
  type PrometheusQueryOptions,
  type PrometheusSample,
  queryPrometheus,
} from './heartbeat/prometheus-query.js';
export { type HeartbeatDelivery, sendHeartbeat } from './heartbeat/send-heartbeat.js';
export { HELM_SUBSTITUTIONS, HELM_VALUES, type HelmChartOptions, helmChart } from './helm/helm-chart.js';
export {
  type IdentityMaterial,
  type IdentityMaterialInput,
  resolveIdentityMaterial,
} from './identity/identity-material.js';
export { generateWebhookCertificate, type WebhookCertificate } from './identity/webhook-certificate.js';
export { diffWithCluster, formatDiff, type ObjectChange } from './manifest/manifest-diff.js';
export { describeObject, formatManifest, type OutputFormat, objectRef } from './manifest/manifest-text.js';
export { uninstallObjects } from './manifest/uninstall.js';
export { publicValues } from './render/config-values.js';
export { GRAFANA_DASHBOARDS_PATH } from './render/grafana.js';
export { installOrder, uninstallOrder } from './render/install-order.js';
export type { KubeObject, ServicePort } from './render/kube-types.js';
export { COMPONENT_APPS, type ComponentName, Port, ResourceName, WebhookPath } from './render/names.js';
export { type PrometheusConfigOptions, prometheusScrapeConfig } from './render/prometheus-config.js';
export {
  clusterRoleName,
  expectedClusterRoles,
  expectedComponents,
  expectedServiceAccounts,
} from './render/rbac.js';
export { renderControlPlane } from './render/render-control-plane.js';
export { tapServiceIdentity } from './render/viz.js';
export { type Installation, readInstallation } from './upgrade/read-installation.js';
export { resolveUpgradeConfig, type UpgradeInput } from './upgrade/upgrade-config.js';
export {
  type ControlPlaneValues,
  DEFAULT_HEARTBEAT_URL,
  DEFAULT_REGISTRY,
  defaultControlPlaneValues,
  type IssuerValues,
  type LabelSelector,
  type SkeinValues,
  type WebhookValues,
} from './values/control-plane-values.js';
export { parseGoDuration } from './values/go-duration.js';
export {
  dailyScheduleAfter,
  type InstallConfig,
  type InstallInput,
  resolveInstallConfig,
} from './values/install-config.js';
export { isValuesTree, mergeLayers, type ValuesTree, valueAt, withValueAt } from './values/merge-layers.js';
export { readControlPlaneValues } from './values/read-control-plane-values.js';
