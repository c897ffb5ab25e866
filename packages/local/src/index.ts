/**
 * `@skein/local`: a whole Skein mesh on one machine — the control plane, a sidecar per
 * service instance on its own loopback address (or network namespace), and an app — as child
 * processes, with progress as events and a clean stop. `skein demo` is built on it.
 *
 * @packageDocumentation
 */
export type { LocalMeshBinaries } from './components/binaries.js';
export type { ComponentSpec, ReadinessCheck } from './components/component-spec.js';
export { TAP_IDENTITY } from './components/pod-components.js';
export {
  AddressUnavailableError,
  ComponentFailedError,
  InvalidLocalMeshError,
  LocalMeshErrorCode,
  LocalMeshRunningError,
  NetnsError,
  type PortHolder,
  PortTakenError,
} from './errors.js';
export type { LocalMeshEndpoints, LocalMeshEvent } from './events.js';
export { discoveryFile } from './files/discovery-file.js';
export { inventoryFile } from './files/inventory-file.js';
export { LocalMesh, type LocalMeshOptions } from './local-mesh.js';
export { addressHint, checkAddressesFree, type WantedAddress } from './network/port-check.js';
export { findPortHolder, listeningInodes } from './network/port-holder.js';
export { type EmojivotoOptions, emojivotoTopology } from './plan/emojivoto-topology.js';
export {
  CONTROL_PLANE_PORTS,
  type ControlPlanePorts,
  identityOf,
  type MeshPlan,
  type PlanOptions,
  type PodPlan,
  PROXY_PORTS,
  type ProxyPorts,
  planLocalMesh,
} from './plan/mesh-plan.js';
export type {
  AppCommand,
  AppContext,
  LocalMeshMode,
  MeshTopology,
  RouteSpec,
  WorkloadSpec,
} from './plan/topology.js';
export type { ProcessExit } from './process/managed-process.js';
