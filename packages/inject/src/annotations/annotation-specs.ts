import { parseQuantity, quantityCeilValue } from '@skein/core';
import { INBOUND_POLICIES } from '../values/schema.js';
import type { Values } from '../values/types.js';
import * as P from './annotation-parsers.js';
import { Annotation } from './names.js';

/** What an override may need beyond its own text. */
export interface OverrideContext {
  /** Container port names of the pod and their numbers, for named opaque ports. */
  readonly namedPorts: ReadonlyMap<string, number>;
}

/** Output of the annotation overrides besides the values. */
export interface OverrideFlags {
  /** `config.linkerd.io/enable-debug-sidecar` is true. */
  debugSidecar: boolean;
}

/** One `config.linkerd.io/*` (or alpha/beta) annotation: how it changes the values. */
export interface AnnotationSpec {
  /** The annotation name. */
  readonly name: string;
  /** Whether a namespace's value is copied to its pods. */
  readonly inherit: boolean;
  /** The values path the CLI writes this annotation for, when it has one. */
  readonly valuePath?: string;
  /** Applies the annotation; returns a problem description when the value is invalid. */
  readonly apply: (
    values: Values,
    raw: string,
    ctx: OverrideContext,
    flags: OverrideFlags,
  ) => string | undefined;
  /** Formats the value at `valuePath` as annotation text; undefined writes nothing. */
  readonly format?: (value: unknown) => string | undefined;
}

const C = 'config.linkerd.io/';
const text = (v: unknown): string => String(v);

function spec<T>(
  name: string,
  valuePath: string | undefined,
  parse: (raw: string, ctx: OverrideContext) => P.Parsed<T>,
  set: (values: Values, value: T, flags: OverrideFlags) => void,
  options: { inherit?: boolean; format?: (value: unknown) => string | undefined } = {},
): AnnotationSpec {
  return {
    name,
    inherit: options.inherit ?? true,
    ...(valuePath === undefined ? {} : { valuePath }),
    ...(valuePath === undefined ? {} : { format: options.format ?? text }),
    apply: (values, raw, ctx, flags) => {
      const parsed = parse(raw, ctx);
      if (!parsed.ok) return parsed.problem;
      set(values, parsed.value, flags);
      return undefined;
    },
  };
}

/** Resolves named ports of an opaque-ports list against the pod's container ports. */
function resolveNamedPorts(raw: string, ctx: OverrideContext): P.Parsed<string> {
  const checked = P.parsePorts(raw, true);
  if (!checked.ok) return checked;
  const items = raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .map((item) => {
      const port = ctx.namedPorts.get(item);
      return port === undefined ? item : String(port);
    });
  return { ok: true, value: items.join(',') };
}

function wholeCores(raw: string): number {
  return Number(quantityCeilValue(parseQuantity(raw)));
}

const boolText = (v: unknown): string => (v === true ? 'true' : 'false');
const enabledText = (v: unknown): string => (v === true ? 'enabled' : 'disabled');
const pullPolicies = ['Always', 'IfNotPresent', 'Never'];

/**
 * Every override annotation the injector reads, in Linkerd's names. Invalid values are warned
 * about and ignored by {@link applyAnnotationOverrides}.
 */
export const ANNOTATION_SPECS: readonly AnnotationSpec[] = [
  spec(`${C}proxy-image`, 'proxy.image.name', P.parseText, (v, x) => {
    v.proxy.image.name = x;
  }),
  spec(`${C}proxy-version`, 'proxy.image.version', P.parseText, (v, x) => {
    v.proxy.image.version = x;
  }),
  spec(
    `${C}image-pull-policy`,
    'proxy.image.pullPolicy',
    (raw) => P.parseOneOf(raw, pullPolicies),
    (v, x) => {
      v.proxy.image.pullPolicy = x;
    },
  ),
  spec(
    `${C}debug-image`,
    'debugContainer.image.name',
    P.parseText,
    (v, x) => {
      v.debugContainer.image.name = x;
    },
    { inherit: false },
  ),
  spec(
    `${C}debug-image-version`,
    'debugContainer.image.version',
    P.parseText,
    (v, x) => {
      v.debugContainer.image.version = x;
    },
    { inherit: false },
  ),
  spec(
    `${C}debug-image-pull-policy`,
    'debugContainer.image.pullPolicy',
    (raw) => P.parseOneOf(raw, pullPolicies),
    (v, x) => {
      v.debugContainer.image.pullPolicy = x;
    },
    { inherit: false },
  ),
  spec(`${C}inbound-port`, 'proxy.ports.inbound', P.parsePort, (v, x) => {
    v.proxy.ports.inbound = x;
  }),
  spec(`${C}outbound-port`, 'proxy.ports.outbound', P.parsePort, (v, x) => {
    v.proxy.ports.outbound = x;
  }),
  spec(`${C}admin-port`, 'proxy.ports.admin', P.parsePort, (v, x) => {
    v.proxy.ports.admin = x;
  }),
  spec(`${C}control-port`, 'proxy.ports.control', P.parsePort, (v, x) => {
    v.proxy.ports.control = x;
  }),
  spec(
    `${C}pod-inbound-ports`,
    'proxy.podInboundPorts',
    (raw) => P.parsePorts(raw, false),
    (v, x) => {
      v.proxy.podInboundPorts = x;
    },
  ),
  spec(
    `${C}skip-inbound-ports`,
    'proxyInit.ignoreInboundPorts',
    (raw) => P.parsePorts(raw, false),
    (v, x) => {
      v.proxyInit.ignoreInboundPorts = x;
    },
  ),
  spec(
    `${C}skip-outbound-ports`,
    'proxyInit.ignoreOutboundPorts',
    (raw) => P.parsePorts(raw, false),
    (v, x) => {
      v.proxyInit.ignoreOutboundPorts = x;
    },
  ),
  spec(`${C}skip-subnets`, 'proxyInit.skipSubnets', P.parseCidrs, (v, x) => {
    v.proxyInit.skipSubnets = x;
  }),
  spec(
    `${C}close-wait-timeout`,
    'proxyInit.closeWaitTimeoutSecs',
    P.parseDurationSeconds,
    (v, x) => {
      v.proxyInit.closeWaitTimeoutSecs = x;
    },
    { inherit: false, format: (x) => (x === 0 ? undefined : `${String(x)}s`) },
  ),
  spec(`${C}opaque-ports`, 'proxy.opaquePorts', resolveNamedPorts, (v, x) => {
    v.proxy.opaquePorts = x;
  }),
  spec(`${C}proxy-cpu-request`, 'proxy.resources.cpu.request', P.parseQuantityText, (v, x) => {
    v.proxy.resources.cpu.request = x;
    v.proxy.runtime.workers.minimum = Math.max(1, wholeCores(x));
  }),
  spec(`${C}proxy-cpu-limit`, 'proxy.resources.cpu.limit', P.parseQuantityText, (v, x) => {
    v.proxy.resources.cpu.limit = x;
    v.proxy.runtime.workers.maximum = Math.max(1, wholeCores(x));
  }),
  spec(
    `${C}proxy-cpu-ratio-limit`,
    'proxy.runtime.workers.maximumCPURatio',
    P.parseRatio,
    (v, x) => {
      v.proxy.runtime.workers.maximumCPURatio = x;
    },
    { inherit: false, format: (x) => (x === null ? undefined : String(x)) },
  ),
  spec(`${C}proxy-memory-request`, 'proxy.resources.memory.request', P.parseQuantityText, (v, x) => {
    v.proxy.resources.memory.request = x;
  }),
  spec(`${C}proxy-memory-limit`, 'proxy.resources.memory.limit', P.parseQuantityText, (v, x) => {
    v.proxy.resources.memory.limit = x;
  }),
  spec(
    `${C}proxy-ephemeral-storage-request`,
    'proxy.resources.ephemeral-storage.request',
    P.parseQuantityText,
    (v, x) => {
      v.proxy.resources['ephemeral-storage'].request = x;
    },
  ),
  spec(
    `${C}proxy-ephemeral-storage-limit`,
    'proxy.resources.ephemeral-storage.limit',
    P.parseQuantityText,
    (v, x) => {
      v.proxy.resources['ephemeral-storage'].limit = x;
    },
  ),
  spec(
    `${C}proxy-uid`,
    'proxy.uid',
    (raw) => P.parseInteger(raw, 0),
    (v, x) => {
      v.proxy.uid = x;
    },
  ),
  spec(
    `${C}proxy-gid`,
    'proxy.gid',
    (raw) => P.parseInteger(raw, 0),
    (v, x) => {
      v.proxy.gid = x;
    },
    { format: (x) => (typeof x === 'number' && x >= 0 ? String(x) : undefined) },
  ),
  spec(`${C}proxy-log-level`, 'proxy.logLevel', P.parseText, (v, x) => {
    v.proxy.logLevel = x;
  }),
  spec(
    `${C}proxy-log-format`,
    'proxy.logFormat',
    (raw) => P.parseOneOf(raw, ['plain', 'json']),
    (v, x) => {
      v.proxy.logFormat = x;
    },
  ),
  spec(
    `${C}proxy-log-http-headers`,
    'proxy.logHTTPHeaders',
    (raw) => P.parseOneOf(raw, ['off', 'insecure']),
    (v, x) => {
      v.proxy.logHTTPHeaders = x;
    },
  ),
  spec(
    `${C}access-log`,
    'proxy.accessLog',
    (raw) => P.parseOneOf(raw, ['apache', 'json']),
    (v, x) => {
      v.proxy.accessLog = x;
    },
    { format: (x) => (x === '' ? undefined : String(x)) },
  ),
  spec(
    `${C}proxy-admin-shutdown`,
    'proxy.enableShutdownEndpoint',
    P.parseEnabled,
    (v, x) => {
      v.proxy.enableShutdownEndpoint = x;
    },
    { format: enabledText },
  ),
  spec(`${C}proxy-outbound-connect-timeout`, 'proxy.outboundConnectTimeout', P.parseDurationText, (v, x) => {
    v.proxy.outboundConnectTimeout = x;
  }),
  spec(`${C}proxy-inbound-connect-timeout`, 'proxy.inboundConnectTimeout', P.parseDurationText, (v, x) => {
    v.proxy.inboundConnectTimeout = x;
  }),
  spec(
    `${C}proxy-outbound-discovery-cache-unused-timeout`,
    'proxy.outboundDiscoveryCacheUnusedTimeout',
    P.parseDurationText,
    (v, x) => {
      v.proxy.outboundDiscoveryCacheUnusedTimeout = x;
    },
  ),
  spec(
    `${C}proxy-inbound-discovery-cache-unused-timeout`,
    'proxy.inboundDiscoveryCacheUnusedTimeout',
    P.parseDurationText,
    (v, x) => {
      v.proxy.inboundDiscoveryCacheUnusedTimeout = x;
    },
  ),
  spec(
    `${C}proxy-disable-outbound-protocol-detect-timeout`,
    'proxy.disableOutboundProtocolDetectTimeout',
    P.parseGoBool,
    (v, x) => {
      v.proxy.disableOutboundProtocolDetectTimeout = x;
    },
    { format: boolText },
  ),
  spec(
    `${C}proxy-disable-inbound-protocol-detect-timeout`,
    'proxy.disableInboundProtocolDetectTimeout',
    P.parseGoBool,
    (v, x) => {
      v.proxy.disableInboundProtocolDetectTimeout = x;
    },
    { format: boolText },
  ),
  spec(`${C}shutdown-grace-period`, 'proxy.shutdownGracePeriod', P.parseDurationText, (v, x) => {
    v.proxy.shutdownGracePeriod = x;
  }),
  spec(
    `${C}enable-external-profiles`,
    'proxy.enableExternalProfiles',
    P.parseGoBool,
    (v, x) => {
      v.proxy.enableExternalProfiles = x;
    },
    { format: boolText },
  ),
  spec(
    `${C}proxy-metrics-hostname-labels`,
    'proxy.metrics.hostnameLabels',
    P.parseGoBool,
    (v, x) => {
      v.proxy.metrics.hostnameLabels = x;
    },
    { format: boolText },
  ),
  spec(
    `${C}enable-gateway`,
    'proxy.isGateway',
    P.parseGoBool,
    (v, x) => {
      v.proxy.isGateway = x;
    },
    { inherit: false, format: boolText },
  ),
  spec(
    Annotation.enableDebugSidecar,
    undefined,
    P.parseGoBool,
    (_v, x, flags) => {
      flags.debugSidecar = x;
    },
    { inherit: false },
  ),
  spec(
    `${C}proxy-require-identity-inbound-ports`,
    'proxy.requireIdentityOnInboundPorts',
    (raw) => P.parsePorts(raw, false),
    (v, x) => {
      v.proxy.requireIdentityOnInboundPorts = x;
    },
  ),
  spec(
    `${C}proxy-await`,
    'proxy.await',
    P.parseEnabled,
    (v, x) => {
      v.proxy.await = x;
    },
    { format: enabledText },
  ),
  spec(
    `${C}default-inbound-policy`,
    'proxy.defaultInboundPolicy',
    (raw) => P.parseOneOf(raw, INBOUND_POLICIES),
    (v, x) => {
      v.proxy.defaultInboundPolicy = x;
    },
  ),
  ...['config.alpha.linkerd.io/', 'config.beta.linkerd.io/', C].map((prefix) =>
    spec(
      `${prefix}proxy-enable-native-sidecar`,
      prefix === C ? 'proxy.nativeSidecar' : undefined,
      P.parseGoBool,
      (v, x) => {
        v.proxy.nativeSidecar = x;
      },
      { format: boolText },
    ),
  ),
  spec(
    `${C}proxy-additional-env`,
    'proxy.additionalEnv',
    P.parseEnvJson,
    (v, x) => {
      const byName = new Map(v.proxy.additionalEnv.map((e) => [e.name, e]));
      for (const e of x) byName.set(e.name, e);
      v.proxy.additionalEnv = [...byName.values()];
    },
    { format: (x) => (Array.isArray(x) && x.length > 0 ? JSON.stringify(x) : undefined) },
  ),
  spec(
    'config.alpha.linkerd.io/proxy-wait-before-exit-seconds',
    'proxy.waitBeforeExitSeconds',
    (raw) => P.parseInteger(raw, 0),
    (v, x) => {
      v.proxy.waitBeforeExitSeconds = x;
    },
  ),
];

/** The specs by annotation name. */
export const ANNOTATION_SPEC_BY_NAME: ReadonlyMap<string, AnnotationSpec> = new Map(
  ANNOTATION_SPECS.map((s) => [s.name, s]),
);
