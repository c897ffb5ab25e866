import { InstallValuesError } from '../errors.js';
import {
  type ControlPlaneValues,
  defaultControlPlaneValues,
  type LabelSelector,
  type WebhookValues,
} from './control-plane-values.js';
import { parseGoDuration } from './go-duration.js';
import { isValuesTree, type ValuesTree, valueAt } from './merge-layers.js';

const SELECTOR_OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);
const CRON_FIELD = /^(\*|\d+(-\d+)?)(\/\d+)?(,(\*|\d+(-\d+)?)(\/\d+)?)*$/;

/** Reads typed values at dotted paths of a merged tree, falling back to defaults. */
class TreeReader {
  readonly #tree: ValuesTree;

  constructor(tree: ValuesTree) {
    this.#tree = tree;
  }

  bool(path: string, def: boolean): boolean {
    const v = valueAt(this.#tree, path);
    if (v === undefined) return def;
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    throw new InstallValuesError(path, v, 'true or false');
  }

  int(path: string, def: number, min: number, max: number): number {
    const v = valueAt(this.#tree, path);
    if (v === undefined) return def;
    const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
      throw new InstallValuesError(path, v, `an integer from ${min} to ${max}`);
    }
    return n;
  }

  str(path: string, def: string): string {
    const v = valueAt(this.#tree, path);
    if (v === undefined) return def;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw new InstallValuesError(path, v, 'a string');
  }

  choice<T extends string>(path: string, def: T, choices: readonly T[]): T {
    const v = this.str(path, def);
    if (!(choices as readonly string[]).includes(v)) {
      throw new InstallValuesError(path, v, `one of ${choices.join(', ')}`);
    }
    return v as T;
  }

  stringMap(path: string, def: Record<string, string>): Record<string, string> {
    const v = valueAt(this.#tree, path);
    if (v === undefined) return structuredClone(def);
    if (!isValuesTree(v)) throw new InstallValuesError(path, v, 'a map of strings');
    const out: Record<string, string> = {};
    for (const [k, item] of Object.entries(v)) {
      if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') {
        throw new InstallValuesError(`${path}.${k}`, item, 'a string');
      }
      out[k] = String(item);
    }
    return out;
  }

  selector(path: string, def: LabelSelector | undefined): LabelSelector | undefined {
    const v = valueAt(this.#tree, path);
    if (v === undefined) return structuredClone(def);
    if (!isValuesTree(v)) throw new InstallValuesError(path, v, 'a label selector map');
    const out: LabelSelector = {};
    if (v.matchLabels !== undefined) out.matchLabels = this.stringMap(`${path}.matchLabels`, {});
    if (v.matchExpressions !== undefined) {
      if (!Array.isArray(v.matchExpressions)) {
        throw new InstallValuesError(`${path}.matchExpressions`, v.matchExpressions, 'a list');
      }
      out.matchExpressions = v.matchExpressions.map((e: unknown, i) => {
        const at = `${path}.matchExpressions[${i}]`;
        if (!isValuesTree(e) || typeof e.key !== 'string' || !SELECTOR_OPERATORS.has(String(e.operator))) {
          throw new InstallValuesError(at, e, '{key, operator: In|NotIn|Exists|DoesNotExist, values}');
        }
        const values = e.values;
        if (values !== undefined && (!Array.isArray(values) || values.some((x) => typeof x !== 'string'))) {
          throw new InstallValuesError(`${at}.values`, values, 'a list of strings');
        }
        return {
          key: e.key,
          operator: String(e.operator),
          ...(values === undefined ? {} : { values: [...(values as string[])] }),
        };
      });
    }
    return out;
  }

  pullSecrets(path: string): { name: string }[] {
    const v = valueAt(this.#tree, path);
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw new InstallValuesError(path, v, 'a list of {name: <secret>}');
    return v.map((item: unknown, i) => {
      if (isValuesTree(item) && typeof item.name === 'string') return { name: item.name };
      if (typeof item === 'string') return { name: item };
      throw new InstallValuesError(`${path}[${i}]`, item, '{name: <secret>}');
    });
  }

  webhook(path: string, def: WebhookValues): WebhookValues {
    return {
      namespaceSelector: this.selector(`${path}.namespaceSelector`, def.namespaceSelector) ?? {},
      objectSelector: this.selector(`${path}.objectSelector`, def.objectSelector),
      externalSecret: this.bool(`${path}.externalSecret`, def.externalSecret),
      crtPEM: this.str(`${path}.crtPEM`, def.crtPEM).trim(),
      keyPEM: this.str(`${path}.keyPEM`, def.keyPEM).trim(),
      caBundle: this.str(`${path}.caBundle`, def.caBundle).trim(),
    };
  }
}

function checkCron(path: string, schedule: string): void {
  if (schedule === '') return;
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 5 || fields.some((f) => !CRON_FIELD.test(f))) {
    throw new InstallValuesError(path, schedule, 'a cron schedule of five fields, e.g. "10 2 * * *"');
  }
}

/**
 * Reads the control-plane values (those the injector does not own) from merged Helm values,
 * with Linkerd's defaults.
 *
 * @throws {InstallValuesError} naming the first invalid value.
 */
export function readControlPlaneValues(tree: ValuesTree): ControlPlaneValues {
  const d = defaultControlPlaneValues();
  const r = new TreeReader(tree);
  const values: ControlPlaneValues = {
    controllerReplicas: r.int('controllerReplicas', d.controllerReplicas, 1, 100),
    controllerUID: r.int('controllerUID', d.controllerUID, 0, 2 ** 31 - 1),
    controllerGID: r.int('controllerGID', d.controllerGID, -1, 2 ** 31 - 1),
    controllerLogLevel: r.str('controllerLogLevel', d.controllerLogLevel),
    controllerLogFormat: r.choice('controllerLogFormat', d.controllerLogFormat, ['plain', 'json']),
    webhookFailurePolicy: r.choice('webhookFailurePolicy', d.webhookFailurePolicy, ['Ignore', 'Fail']),
    enableH2Upgrade: r.bool('enableH2Upgrade', d.enableH2Upgrade),
    enablePodAntiAffinity: r.bool('enablePodAntiAffinity', d.enablePodAntiAffinity),
    enablePodDisruptionBudget: r.bool('enablePodDisruptionBudget', d.enablePodDisruptionBudget),
    disableHeartBeat: r.bool('disableHeartBeat', d.disableHeartBeat),
    heartbeatSchedule: r.str('heartbeatSchedule', d.heartbeatSchedule).trim(),
    prometheusUrl: r.str('prometheusUrl', d.prometheusUrl),
    nodeSelector: r.stringMap('nodeSelector', d.nodeSelector),
    imagePullSecrets: r.pullSecrets('imagePullSecrets'),
    priorityClassName: r.str('priorityClassName', d.priorityClassName),
    podAnnotations: r.stringMap('podAnnotations', d.podAnnotations),
    podLabels: r.stringMap('podLabels', d.podLabels),
    identity: {
      issuer: {
        scheme: r.choice('identity.issuer.scheme', d.identity.issuer.scheme, [
          'linkerd.io/tls',
          'kubernetes.io/tls',
        ]),
        clockSkewAllowance: r.str('identity.issuer.clockSkewAllowance', d.identity.issuer.clockSkewAllowance),
        issuanceLifetime: r.str('identity.issuer.issuanceLifetime', d.identity.issuer.issuanceLifetime),
        tls: {
          crtPEM: r.str('identity.issuer.tls.crtPEM', '').trim(),
          keyPEM: r.str('identity.issuer.tls.keyPEM', '').trim(),
        },
      },
    },
    proxyInjector: {
      ...r.webhook('proxyInjector', d.proxyInjector),
      timeoutSeconds: r.int('proxyInjector.timeoutSeconds', d.proxyInjector.timeoutSeconds, 1, 30),
    },
    profileValidator: r.webhook('profileValidator', d.profileValidator),
    skein: {
      registry: r.str('skein.registry', d.skein.registry).replace(/\/+$/, ''),
      heartbeat: { url: r.str('skein.heartbeat.url', d.skein.heartbeat.url) },
      prometheus: {
        enabled: r.bool('skein.prometheus.enabled', d.skein.prometheus.enabled),
        image: r.str('skein.prometheus.image', d.skein.prometheus.image),
        retention: r.str('skein.prometheus.retention', d.skein.prometheus.retention),
        scrapeInterval: r.str('skein.prometheus.scrapeInterval', d.skein.prometheus.scrapeInterval),
      },
      grafana: { dashboards: r.bool('skein.grafana.dashboards', d.skein.grafana.dashboards) },
      viz: { enabled: r.bool('skein.viz.enabled', d.skein.viz.enabled) },
    },
  };
  parseGoDuration(values.identity.issuer.clockSkewAllowance, 'identity.issuer.clockSkewAllowance');
  if (parseGoDuration(values.identity.issuer.issuanceLifetime, 'identity.issuer.issuanceLifetime') <= 0) {
    throw new InstallValuesError(
      'identity.issuer.issuanceLifetime',
      values.identity.issuer.issuanceLifetime,
      'a positive duration',
    );
  }
  parseGoDuration(values.skein.prometheus.scrapeInterval, 'skein.prometheus.scrapeInterval');
  checkCron('heartbeatSchedule', values.heartbeatSchedule);
  if (values.skein.registry === '')
    throw new InstallValuesError('skein.registry', '', 'an image registry such as ghcr.io/skein-mesh');
  for (const url of ['skein.heartbeat.url', 'prometheusUrl'] as const) {
    const text = url === 'prometheusUrl' ? values.prometheusUrl : values.skein.heartbeat.url;
    if (text !== '' && !/^https?:\/\/[^\s]+$/.test(text))
      throw new InstallValuesError(url, text, 'an http(s) URL');
  }
  return values;
}
