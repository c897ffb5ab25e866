import { readFile } from 'node:fs/promises';
import { KubeConfig } from '@kubernetes/client-node';
import { parseStaticDiscovery } from '@skein/discovery';
import { staticTapPolicy, type TapAccessPolicy } from '@skein/tap';
import type { Inventory } from './inventory.js';
import { KubernetesInventory } from './kubernetes-inventory.js';
import { parseStaticInventory } from './static-inventory.js';
import { subjectAccessReviewPolicy } from './subject-access-review.js';

/** Where the workloads come from, and who may tap them: static files or a Kubernetes cluster. */
export interface InventorySourceOptions {
  /** A static inventory file (YAML); when given, no Kubernetes API is used. */
  inventoryFile?: string | undefined;
  /** The static discovery file whose services the inventory's workloads serve. */
  discoveryFile?: string | undefined;
  /** With a static inventory: the users allowed to tap. */
  tapAllowUsers: readonly string[];
  /** A kubeconfig file; without it, `@kubernetes/client-node`'s default (in-cluster, then `~/.kube/config`). */
  kubeconfig?: string | undefined;
  /** The control plane's namespace (its pods are left out of the inventory). */
  controllerNamespace?: string | undefined;
}

/** An inventory and the tap policy that goes with it. */
export interface InventorySource {
  /** The workloads. */
  inventory: Inventory;
  /** Who may tap what: a user list with a static inventory, SubjectAccessReview in Kubernetes. */
  policy: TapAccessPolicy;
}

/**
 * Loads the inventory the controller and the tap service serve: the static files of a local
 * mesh (with `inventoryFile`), or the Kubernetes API. Errors (an unreadable or invalid file, a
 * bad kubeconfig) reject with a message naming the file.
 */
export async function loadInventorySource(options: InventorySourceOptions): Promise<InventorySource> {
  if (options.inventoryFile !== undefined) {
    const discovery =
      options.discoveryFile === undefined
        ? undefined
        : parseStaticDiscovery(await readFile(options.discoveryFile, 'utf8'), options.discoveryFile);
    return {
      inventory: parseStaticInventory(
        await readFile(options.inventoryFile, 'utf8'),
        options.inventoryFile,
        discovery,
      ),
      policy: staticTapPolicy({ users: options.tapAllowUsers }),
    };
  }
  const kubeConfig = new KubeConfig();
  if (options.kubeconfig !== undefined) kubeConfig.loadFromFile(options.kubeconfig);
  else kubeConfig.loadFromDefault();
  return {
    inventory: new KubernetesInventory({
      kubeConfig,
      ...(options.controllerNamespace === undefined
        ? {}
        : { controlPlaneNamespace: options.controllerNamespace }),
    }),
    policy: subjectAccessReviewPolicy(kubeConfig),
  };
}
