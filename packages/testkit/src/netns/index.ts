/**
 * Network-namespace "pods" for tests of transparent interception: see {@link createPodNetwork}.
 */
export { NETNS_ERROR_CODE, NetnsError } from './netns-error.js';
export { deleteNetns, listNetns, NETNS_PREFIX, sweepStaleNetns } from './netns-names.js';
export { Pod, type PodAddress, type PodExecOptions, type PodSpawnOptions } from './pod.js';
export { canCreateNetns, createPodNetwork, PodNetwork, type PodNetworkOptions } from './pod-network.js';
export { asUser, type RunAsOptions } from './run-as.js';
export { type CommandResult, type RunCommandOptions, runCommand } from './system-command.js';
