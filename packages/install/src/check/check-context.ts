import { defaultValues, resolveValues, type Values } from '@skein/inject';
import { parse } from 'yaml';
import type { ClusterReader } from '../cluster/cluster-reader.js';
import type { KubeObject } from '../render/kube-types.js';
import { ResourceName } from '../render/names.js';
import type { ControlPlaneValues } from '../values/control-plane-values.js';
import { isValuesTree } from '../values/merge-layers.js';
import { readControlPlaneValues } from '../values/read-control-plane-values.js';

/** The installation as recorded in `linkerd-config`. */
export interface InstalledValues {
  /** Whether `linkerd-config` was found (else the values are the defaults). */
  readonly found: boolean;
  /** The `linkerd-config` ConfigMap, when found. */
  readonly configMap: KubeObject | undefined;
  /** The injector's values. */
  readonly values: Values;
  /** The rest of the chart's values. */
  readonly controlPlane: ControlPlaneValues;
  /** The raw stored values. */
  readonly raw: Record<string, unknown>;
}

/** Options of a {@link CheckContext}. */
export interface CheckContextOptions {
  /** The cluster. */
  readonly cluster: ClusterReader;
  /** Control-plane namespace. */
  readonly namespace: string;
  /** The version of the CLI (or tool) running the checks. */
  readonly cliVersion: string;
  /** Namespace of the data-plane checks; all namespaces when absent. */
  readonly dataPlaneNamespace?: string;
  /** Clock (ms since the epoch). Default: `Date.now`. */
  readonly now?: () => number;
}

/** What checks read: the cluster, the namespace, and the installation's values (read once). */
export class CheckContext {
  /** The cluster. */
  readonly cluster: ClusterReader;
  /** Control-plane namespace. */
  readonly namespace: string;
  /** Version of the CLI running the checks. */
  readonly cliVersion: string;
  /** Namespace of the data-plane checks, or undefined for all. */
  readonly dataPlaneNamespace: string | undefined;
  readonly #now: () => number;
  #installed: Promise<InstalledValues> | undefined;

  constructor(options: CheckContextOptions) {
    this.cluster = options.cluster;
    this.namespace = options.namespace;
    this.cliVersion = options.cliVersion;
    this.dataPlaneNamespace = options.dataPlaneNamespace;
    this.#now = options.now ?? Date.now;
  }

  /** The current time (ms since the epoch). */
  now(): number {
    return this.#now();
  }

  /**
   * The values in `linkerd-config` (read once per context), or the defaults when it is missing
   * or unreadable as values.
   */
  installed(): Promise<InstalledValues> {
    this.#installed ??= this.#readInstalled();
    return this.#installed;
  }

  async #readInstalled(): Promise<InstalledValues> {
    const configMap = await this.cluster.get({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: this.namespace,
      name: ResourceName.config,
    });
    const text = (configMap?.data as Record<string, string> | undefined)?.values;
    let raw: Record<string, unknown> = {};
    if (text !== undefined) {
      const parsed: unknown = parse(text);
      if (isValuesTree(parsed)) raw = parsed;
    }
    const fallback = (): InstalledValues => ({
      found: configMap !== undefined,
      configMap,
      values: defaultValues(),
      controlPlane: readControlPlaneValues({}),
      raw,
    });
    try {
      return {
        found: configMap !== undefined,
        configMap,
        values: resolveValues([raw]).values,
        controlPlane: readControlPlaneValues(raw),
        raw,
      };
    } catch {
      return fallback();
    }
  }
}
