/**
 * `@skein/app-web`: Skein's dashboard. Run it as `skein-web`, or embed the server in a process
 * that runs a local mesh.
 *
 * @packageDocumentation
 */

export { type BrowserCommand, browserCommand, onPath, openBrowser } from './server/browser-launcher.js';
export {
  advertisedController,
  type ControllerLocator,
  type ControllerTarget,
  controllerUrl,
  fixedController,
  localMeshStatePath,
  readAdvertisedController,
} from './server/controller-target.js';
export {
  type DashboardServer,
  type DashboardServerOptions,
  DEFAULT_ENFORCED_HOST,
  startDashboardServer,
} from './server/dashboard-server.js';
export {
  AssetsMissingError,
  ControllerUnreachableError,
  WebErrorCode,
} from './server/web-errors.js';
export type { DashboardConfig } from './ui/dashboard-config.js';
