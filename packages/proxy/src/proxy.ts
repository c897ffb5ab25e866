import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import {
  balancerNames,
  ConfigError,
  type EnvRecord,
  type Logger,
  nullLogger,
  parseNetworkSet,
  ReloadableLogFilter,
} from '@skein/core';
import { type DiscoveredProfile, parseStaticDiscovery } from '@skein/discovery/model';
import { TapHub } from '@skein/tap/hub';
import type { Observable } from 'rxjs';
import { AdminServer } from './admin/admin-server.js';
import type { ProxyConfig } from './config/proxy-config.js';
import { profileLookupAllowed, startDestinationClient, startPolicyClient } from './discovery/destination.js';
import { DnsResolver } from './discovery/dns-resolver.js';
import { FallbackResolver } from './discovery/fallback-resolver.js';
import type { Resolver } from './discovery/resolver.js';
import { StaticResolver } from './discovery/static-resolver.js';
import { errorMetricLabel, tcpErrorMetricLabel } from './errors/synthesize.js';
import { DEFAULT_HTTP_SERVER_SETTINGS, type HttpServerSettings } from './http/http-server-options.js';
import { inFlightLimit } from './http/in-flight-limit.js';
import { origProtoDowngrade } from './http/orig-proto.js';
import { Http1ConnectionSet, type ServeHttpOptions } from './http/serve-http.js';
import type { Dispatcher, Interceptor } from './http/types.js';
import { Http2Pool } from './http2/client-pool.js';
import { resolveHttp2ServerLimits } from './http2/limits.js';
import { type ProxyIdentity, startProxyIdentity } from './identity/proxy-identity.js';
import { inboundAcceptor } from './inbound/accept.js';
import { AuthzMetrics, authorizeConnection, inboundAuthz } from './inbound/authz.js';
import { inboundDirect } from './inbound/direct.js';
import { directAcceptor } from './inbound/direct-accept.js';
import { InboundHttpRouter } from './inbound/http-router.js';
import { InboundPolicies, type PolicySource } from './inbound/inbound-policies.js';
import { inboundMeshTls } from './inbound/mesh-tls.js';
import { OpenTcpConnections } from './inbound/open-tcp-connections.js';
import { ProxyMetrics, type RenderableMetrics } from './metrics/proxy-metrics.js';
import { outboundAcceptor } from './outbound/accept.js';
import { type EndpointConnectors, outboundEndpointFactory } from './outbound/endpoint-factory.js';
import { OutboundHttpRouter } from './outbound/http-router.js';
import { endpointTlsLabels, meshConnector } from './outbound/mesh-connectors.js';
import { startControlServer } from './tap/control-server.js';
import { tapInterceptor } from './tap/tap-interceptor.js';
import type { ConnectionInfo, SocketAddr } from './transport/connection-info.js';
import { type Connector, tcpConnector } from './transport/connector.js';
import { Listener } from './transport/listener.js';
import { reportingConnector } from './transport/reporting-connector.js';

/** Everything a {@link SkeinProxy} is built from. */
export interface ProxyOptions {
  /** The configuration, usually from {@link readProxyConfig}. */
  config: ProxyConfig;
  /** Logger (a pino-compatible one from `createLogger`). */
  logger?: Logger;
  /** The live log filter, changed through the admin server. */
  logFilter?: ReloadableLogFilter;
  /** The process environment, served by `/env.json`. */
  env?: EnvRecord;
  /** Overrides discovery (otherwise: destination service, static file, then DNS). */
  resolver?: Resolver;
  /** How outbound endpoints are connected; defaults to plain TCP. */
  connectors?: Partial<EndpointConnectors>;
  /** Where inbound policies come from (the policy service); without it, the default policy. */
  policySource?: PolicySource;
  /** Extra outbound request layers (plugins), outermost last. */
  outboundInterceptors?: Interceptor[];
  /** Extra inbound request layers (plugins), outermost last. */
  inboundInterceptors?: Interceptor[];
  /** HTTP server limits. */
  http?: Partial<HttpServerSettings>;
  /** More metrics for `/metrics` (e.g. from plugins, see `loadPlugins`). */
  extraMetrics?: readonly RenderableMetrics[];
  /** Version reported in `proxy_build_info`. */
  version?: string;
  /** Whether the proxy is ready beyond having its listeners (e.g. identity certified). */
  ready?: () => boolean;
}

/** The bound addresses of a running proxy. */
export interface ProxyAddresses {
  /** Outbound listeners. */
  outbound: SocketAddr[];
  /** Inbound listener. */
  inbound: SocketAddr;
  /** Admin server. */
  admin: SocketAddr;
  /** Tap (control) server, when `LINKERD2_PROXY_TAP_SVC_NAME` is set. */
  control?: SocketAddr;
}

/**
 * A running Skein proxy: outbound and inbound listeners with protocol detection, the HTTP
 * routers and balancers, opaque TCP forwarding, the admin server and metrics. Built from a
 * {@link ProxyConfig}; the app only reads the environment and handles signals.
 *
 * ```
 *   outbound: listener → detect → HTTP/1 | HTTP/2 server → tap → router → balancer → endpoint pool
 *                               ↘ opaque TCP → original destination
 *   inbound:  listener → TLS detect → HTTP detect → server → tap → identity headers → app pool
 * ```
 */
export class SkeinProxy {
  /** The tap hub; the tap server subscribes to it. */
  readonly tap: TapHub;
  /** The proxy's metrics. */
  readonly metrics: ProxyMetrics;
  /** The proxy's identity, when configured. */
  readonly identity: ProxyIdentity | undefined;
  readonly #config: ProxyConfig;
  readonly #log: Logger;
  readonly #listeners: Listener[];
  readonly #admin: AdminServer;
  readonly #adminAddr: AddressInfo;
  readonly #outbound: OutboundHttpRouter;
  readonly #inbound: InboundHttpRouter;
  readonly #h1: Http1ConnectionSet;
  readonly #static: StaticResolver | undefined;
  readonly #ready: () => boolean;
  #shuttingDown: Promise<void> | undefined;
  readonly #destination: { close(): void };
  readonly #tapServer: { address: { port: number }; close(): Promise<void> | void } | undefined;
  #onShutdown: (() => void) | undefined;

  private constructor(parts: {
    config: ProxyConfig;
    log: Logger;
    tap: TapHub;
    metrics: ProxyMetrics;
    listeners: Listener[];
    admin: AdminServer;
    adminAddr: AddressInfo;
    outbound: OutboundHttpRouter;
    inbound: InboundHttpRouter;
    h1: Http1ConnectionSet;
    staticResolver: StaticResolver | undefined;
    ready: () => boolean;
    identity: ProxyIdentity | undefined;
    destination: { close(): void };
    tapServer: { address: { port: number }; close(): Promise<void> | void } | undefined;
  }) {
    this.#config = parts.config;
    this.#log = parts.log;
    this.tap = parts.tap;
    this.metrics = parts.metrics;
    this.#listeners = parts.listeners;
    this.#admin = parts.admin;
    this.#adminAddr = parts.adminAddr;
    this.#outbound = parts.outbound;
    this.#inbound = parts.inbound;
    this.#h1 = parts.h1;
    this.#static = parts.staticResolver;
    this.#ready = parts.ready;
    this.identity = parts.identity;
    this.#destination = parts.destination;
    this.#tapServer = parts.tapServer;
  }

  /** Builds and starts a proxy; resolves once every listener is bound. */
  static async start(options: ProxyOptions): Promise<SkeinProxy> {
    const config = options.config;
    const log = options.logger ?? nullLogger;
    if (!balancerNames().includes(config.balancer)) {
      // Plugins register their strategies before start, so an unknown name is a typo.
      throw new ConfigError('SKEIN_PROXY_BALANCER', config.balancer, `one of ${balancerNames().join(', ')}`);
    }
    const tap = new TapHub();
    const metrics = new ProxyMetrics({
      retainIdleMs: config.metricsRetainIdleMs,
      version: options.version ?? '0.1.0',
    });
    for (const m of options.extraMetrics ?? []) metrics.add(m);
    const settings: HttpServerSettings = { ...DEFAULT_HTTP_SERVER_SETTINGS, ...options.http };
    const h1 = new Http1ConnectionSet(settings);

    let staticResolver: StaticResolver | undefined;
    let resolver = options.resolver;
    let profiles: ((authority: string) => Observable<DiscoveredProfile | undefined> | undefined) | undefined;
    const identity =
      config.identity === undefined
        ? undefined
        : await startProxyIdentity(config.identity, { metrics, logger: log });
    const controlPlane: { close(): void }[] = [];
    let policySource = options.policySource;
    if (policySource === undefined && config.policy !== undefined) {
      const policy = await startPolicyClient(config.policy, log, identity);
      controlPlane.push(policy);
      policySource = policy.source;
    }
    if (resolver === undefined && config.destination !== undefined) {
      const dst = await startDestinationClient(config.destination, log, identity);
      controlPlane.push(dst);
      resolver = new FallbackResolver(dst.client, new DnsResolver());
      profiles = (authority) =>
        profileLookupAllowed(authority, config.destination!) ? dst.client.profiles(authority) : undefined;
    }
    if (resolver === undefined) {
      const dns = new DnsResolver();
      if (config.discoveryFile !== undefined) {
        staticResolver = new StaticResolver(
          parseStaticDiscovery(await readFile(config.discoveryFile, 'utf8'), config.discoveryFile),
        );
        resolver = new FallbackResolver(staticResolver, dns);
      } else {
        resolver = dns;
      }
    }

    // Filled in once the listeners are bound (their ports may be ephemeral).
    const own = new Set<string>();
    const connect = (e: Parameters<EndpointConnectors['http1']>[0], session: 'http1' | 'http2' | undefined) =>
      meshConnector({
        endpoint: e,
        identity,
        timeoutMs: config.outbound.connectTimeoutMs,
        session,
        ...(config.outboundBindIp === undefined ? {} : { localAddress: config.outboundBindIp }),
        ...(config.outbound.keepaliveMs === undefined ? {} : { keepAliveMs: config.outbound.keepaliveMs }),
      });
    const connectors: EndpointConnectors = {
      http1: (e) => connect(e, 'http1'),
      http2Connector: (e) => connect(e, 'http2'),
      opaqueConnector: (e) => connect(e, undefined),
      http2: (e, connector) =>
        new Http2Pool({
          connect: connector,
          authority: e.address,
          // The endpoint's connector already backs off (and drives balancer readiness).
          backoff: { minMs: 0, maxMs: 0, jitter: 0 },
        }),
      tlsLabels: (e) => endpointTlsLabels(e, identity),
      ...options.connectors,
    };
    const outboundRouter = new OutboundHttpRouter({
      resolver,
      connect: outboundEndpointFactory({
        connectors,
        backoff: config.outbound.connectBackoff,
        metrics: metrics.legacy,
        pool: {
          idleTimeoutMs: config.outbound.http1PoolIdleTimeoutMs,
          maxIdle: config.outbound.maxIdleConnsPerEndpoint,
        },
      }),
      discoveryIdleTimeoutMs: config.outbound.discoveryIdleTimeoutMs,
      queueCapacity: config.outbound.httpQueueCapacity,
      failfastTimeoutMs: config.outbound.httpFailfastTimeoutMs,
      isOwnAddress: (authority) => own.has(authority),
      strategy: config.balancer,
      ...(profiles === undefined ? {} : { profiles }),
      metrics: metrics.legacy,
      ingressMode: config.ingressMode,
      ...(config.destination === undefined
        ? {}
        : { profileInitialTimeoutMs: config.destination.profileInitialTimeoutMs }),
    });
    const policies = new InboundPolicies({
      defaultPolicy: config.inbound.defaultPolicy,
      clusterNetworks:
        config.policy !== undefined && config.policy.clusterNetworks.size > 0
          ? config.policy.clusterNetworks
          : DEFAULT_CLUSTER_NETWORKS,
      opaquePorts: config.inbound.portsDisableProtocolDetection,
      eagerPorts: config.inbound.ports,
      ...(policySource === undefined ? {} : { source: policySource }),
    });
    const authzMetrics = new AuthzMetrics(metrics.legacy);
    const countError = (family: 'inbound_http' | 'outbound_http') => (error: Error) => {
      const label = errorMetricLabel(error);
      if (label !== undefined) metrics.legacy.error(family, label).inc();
    };
    const countTcpErrors = (family: 'inbound_tcp' | 'outbound_tcp', connect: Connector): Connector =>
      reportingConnector(connect, (error) => metrics.legacy.error(family, tcpErrorMetricLabel(error)).inc());
    const authorizeTcp = (info: ConnectionInfo) => authorizeConnection(policies, info, authzMetrics, 'tcp');
    const openConnections = new OpenTcpConnections(policies, authzMetrics);
    // The proxy's own ports (listeners, then admin and tap once bound): inbound traffic must never
    // be forwarded to them, or a peer would reach the admin server from loopback.
    const proxyPorts = new Set<number>(config.inbound.listen.map((a) => a.port));
    const inboundRouter = new InboundHttpRouter({
      connectTimeoutMs: config.inbound.connectTimeoutMs,
      poolIdleTimeoutMs: config.inbound.http1PoolIdleTimeoutMs,
      maxIdlePerEndpoint: config.inbound.maxIdleConnsPerEndpoint,
      idleTimeoutMs: config.inbound.discoveryIdleTimeoutMs,
      ownPorts: proxyPorts,
      metrics: metrics.legacy,
      authorityLabels: config.inbound.authorityLabels,
      serverFor: (port) => policies.policyFor(port).server,
      http2: (host, port) =>
        new Http2Pool({
          connect: tcpConnector({ host, port, timeoutMs: config.inbound.connectTimeoutMs }),
          authority: host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`,
          backoff: config.inbound.connectBackoff,
        }),
    });

    const outboundDispatcher = compose(outboundRouter, [
      tapInterceptor(tap, 'outbound'),
      ...(options.outboundInterceptors ?? []),
      inFlightLimit(config.outbound.maxInFlight),
    ]);
    const inboundDispatcher = compose(inboundRouter, [
      origProtoDowngrade(),
      inboundAuthz(policies, authzMetrics),
      tapInterceptor(tap, 'inbound'),
      ...(options.inboundInterceptors ?? []),
      inFlightLimit(config.inbound.maxInFlight),
    ]);
    const serveBase: Omit<ServeHttpOptions, 'dispatcher' | 'informationalHeaders'> = {
      settings,
      http2Limits: resolveHttp2ServerLimits(settings.http2),
      http1Connections: h1,
      logger: log,
    };
    const listeners: Listener[] = [];
    const hooks = metrics.tcpHooks();
    try {
      for (const addr of config.outbound.listen) {
        listeners.push(
          await Listener.bind({
            address: { ip: addr.host, port: addr.port },
            direction: 'outbound',
            hooks,
            logger: log,
            ...(config.outbound.keepaliveMs === undefined
              ? {}
              : { keepAliveMs: config.outbound.keepaliveMs }),
            handler: outboundAcceptor({
              detectTimeoutMs: config.outbound.detectTimeoutMs,
              opaquePorts: config.outbound.portsDisableProtocolDetection,
              http: {
                ...serveBase,
                dispatcher: outboundDispatcher,
                informationalHeaders: !config.disableInformationalHeaders,
                onSynthesized: countError('outbound_http'),
              },
              // Opaque traffic is balanced over discovery too, so meshed peers get mTLS.
              tcpConnect: (dst) =>
                countTcpErrors('outbound_tcp', () =>
                  outboundRouter.openOpaque(
                    dst.ip.includes(':') ? `[${dst.ip}]:${dst.port}` : `${dst.ip}:${dst.port}`,
                  ),
                ),
              discoveredOpaque:
                profiles === undefined
                  ? undefined
                  : (dst) =>
                      outboundRouter.opaqueProtocol(
                        dst.ip.includes(':') ? `[${dst.ip}]:${dst.port}` : `${dst.ip}:${dst.port}`,
                        config.destination?.profileInitialTimeoutMs ?? 500,
                      ),
              logger: log,
            }),
          }),
        );
      }
      const inboundListen = config.inbound.listen[0]!;
      const inboundHttp: ServeHttpOptions = {
        ...serveBase,
        dispatcher: inboundDispatcher,
        informationalHeaders: false,
        onSynthesized: countError('inbound_http'),
      };
      const appConnect = (dst: SocketAddr) =>
        countTcpErrors(
          'inbound_tcp',
          tcpConnector({ host: dst.ip, port: dst.port, timeoutMs: config.inbound.connectTimeoutMs }),
        );
      const direct = inboundDirect({
        timeoutMs: config.inbound.detectTimeoutMs,
        http: inboundHttp,
        tcpConnect: appConnect,
        authorizeTcp,
        openConnections,
        ownPorts: proxyPorts,
        logger: log,
      });
      const inboundListener = await Listener.bind({
        address: { ip: inboundListen.host, port: inboundListen.port },
        direction: 'inbound',
        hooks,
        logger: log,
        ...(config.inbound.keepaliveMs === undefined ? {} : { keepAliveMs: config.inbound.keepaliveMs }),
        handler: (socket, info, accepted) => {
          // INBOUND_IPS: only connections addressed to this pod's own IPs are served.
          const ips = config.inbound.ips;
          if (ips !== undefined && !ips.includes((info.originalDst ?? info.local).ip)) {
            log.info(
              { peer: info.remote, dst: info.originalDst ?? info.local },
              'inbound: not one of INBOUND_IPS',
            );
            socket.destroy();
            return;
          }
          inboundHandler(socket, info, accepted);
        },
      });
      listeners.push(inboundListener);
      const inboundPort = inboundListener.address.port;
      for (const l of listeners) proxyPorts.add(l.address.port);
      const inboundHandler = inboundAcceptor({
        detectTimeoutMs: config.inbound.detectTimeoutMs,
        isOpaque: (port) => policies.policyFor(port).protocol === 'opaque',
        authorizeTcp,
        openConnections,
        ownPorts: proxyPorts,
        inboundPort,
        http: inboundHttp,
        tcpConnect: appConnect,
        ...(identity === undefined
          ? {}
          : {
              terminateTls: inboundMeshTls({
                identity,
                detectTimeoutMs: config.inbound.detectTimeoutMs,
                http: inboundHttp,
                tcpConnect: appConnect,
                authorizeTcp,
                openConnections,
                direct: (tls, info, accepted) => direct(tls, info, accepted, tls.alpnProtocol ?? false),
                logger: log,
              }),
            }),
        direct: directAcceptor({
          identity,
          detectTimeoutMs: config.inbound.detectTimeoutMs,
          direct,
          logger: log,
        }),
        logger: log,
      });
    } catch (err) {
      for (const l of listeners) l.close();
      h1.close();
      openConnections.close();
      policies.close();
      for (const c of controlPlane) c.close();
      identity?.close();
      throw err;
    }

    for (const l of listeners) {
      const { ip, port } = l.address;
      for (const host of [ip.includes(':') ? `[${ip}]` : ip, '127.0.0.1', 'localhost', '[::1]'])
        own.add(`${host}:${port}`);
    }
    // Tap: the Tap.Observe server on the control port, when LINKERD2_PROXY_TAP_SVC_NAME is set.
    // Callers must be on loopback or present the tap service's mTLS identity.
    let tapServer: { address: { port: number }; close(): Promise<void> | void } | undefined;
    if (config.tapSvcName !== undefined) {
      let dropped = 0;
      metrics.add({
        render: () =>
          '# HELP tap_dropped_events_total Tap events dropped because a tap client read too slowly.\n' +
          `# TYPE tap_dropped_events_total counter\ntap_dropped_events_total ${dropped}\n`,
      });
      tapServer = await startControlServer({
        hub: tap,
        listen: { host: config.controlListen.host, port: config.controlListen.port },
        tapSvcName: config.tapSvcName,
        identity,
        detectTimeoutMs: config.inbound.detectTimeoutMs,
        droppedEvents: {
          inc: () => {
            dropped++;
          },
        },
        logger: log.child({ target: 'skein::proxy::tap' }),
      });
      proxyPorts.add(tapServer.address.port);
    }
    const extraReady = options.ready ?? (() => true);
    const ready = () => (identity === undefined || identity.isReady()) && extraReady();
    let proxy: SkeinProxy | undefined;
    const admin = new AdminServer({
      listen: config.adminListen,
      metrics: () => metrics.render(),
      ready: () => ready(),
      logFilter: options.logFilter ?? new ReloadableLogFilter(config.log),
      env: options.env ?? {},
      shutdownEnabled: config.shutdownEndpointEnabled,
      onShutdown: () => proxy?.requestShutdown(),
      extraRoutes: (req, res) => {
        if (req.url !== '/identity/certificate' || identity === undefined) return false;
        const pem = identity.certificatePem();
        res.statusCode = pem === undefined ? 503 : 200;
        res.setHeader('content-type', 'application/x-pem-file');
        res.end(pem ?? 'not certified yet\n');
        return true;
      },
      // Spec §4: mesh TLS to this proxy's identity is terminated on the admin port too, and,
      // with a policy service, the admin port's discovered policy applies to every request (its
      // probe route covers the kubelet's /live and /ready). Without one (a standalone proxy)
      // the admin port stays open: a `deny` default must not make /ready unreachable.
      terminateTls: (socket, sni) => {
        if (identity === undefined || sni !== identity.localName) return undefined;
        return identity.server
          .accept(socket)
          .then((conn) => ({ stream: conn.socket, clientId: conn.peerIdentity, alpn: conn.alpnProtocol }));
      },
      authorize: (request) => {
        if (policySource === undefined) return true;
        const local = { ip: adminListenIp, port: adminPort };
        const info: ConnectionInfo = {
          direction: 'inbound',
          remote: request.remote,
          local,
          originalDst: local,
          tls:
            request.tls && identity !== undefined
              ? { kind: 'mtls', clientId: request.clientId, serverName: identity.localName }
              : { kind: 'none', reason: 'no_tls_from_remote' },
          id: 0,
        };
        return authorizeConnection(policies, info, authzMetrics, 'http', request);
      },
      logger: log,
    });
    let adminAddr: AddressInfo;
    // Known once listening (the configured port may be 0).
    let adminPort = config.adminListen.port;
    let adminListenIp = config.adminListen.host;
    try {
      adminAddr = await admin.listen();
      proxyPorts.add(adminAddr.port);
      adminPort = adminAddr.port;
      adminListenIp = adminAddr.address;
      // The admin port's policy is watched from the start.
      policies.policyFor(adminPort);
    } catch (err) {
      for (const l of listeners) l.close();
      h1.close();
      openConnections.close();
      policies.close();
      for (const c of controlPlane) c.close();
      identity?.close();
      throw err;
    }
    proxy = new SkeinProxy({
      config,
      log,
      tap,
      metrics,
      listeners,
      admin,
      adminAddr,
      outbound: outboundRouter,
      inbound: inboundRouter,
      h1,
      staticResolver,
      ready,
      identity,
      destination: {
        close: () => {
          openConnections.close();
          policies.close();
          for (const c of controlPlane) c.close();
        },
      },
      tapServer,
    });
    log.info({ addresses: proxy.addresses }, 'proxy started');
    return proxy;
  }

  /** The bound addresses (useful with port 0). */
  get addresses(): ProxyAddresses {
    const n = this.#config.outbound.listen.length;
    return {
      outbound: this.#listeners.slice(0, n).map((l) => l.address),
      inbound: this.#listeners[n]!.address,
      admin: { ip: this.#adminAddr.address, port: this.#adminAddr.port },
      ...(this.#tapServer === undefined
        ? {}
        : { control: { ip: this.#config.controlListen.host, port: this.#tapServer.address.port } }),
    };
  }

  /** Whether the proxy reports ready. */
  get ready(): boolean {
    return this.#ready();
  }

  /** Replaces the static discovery data (after the discovery file changed). */
  async reloadDiscoveryFile(): Promise<void> {
    const file = this.#config.discoveryFile;
    if (this.#static === undefined || file === undefined) return;
    this.#static.update(parseStaticDiscovery(await readFile(file, 'utf8'), file));
  }

  /** Registers what to run when a shutdown is requested through `POST /shutdown`. */
  onShutdownRequest(listener: () => void): void {
    this.#onShutdown = listener;
  }

  /** Internal: the admin server asked for a shutdown. */
  requestShutdown(): void {
    if (this.#onShutdown !== undefined) this.#onShutdown();
    else void this.shutdown();
  }

  /**
   * Graceful shutdown: stop accepting, let in-flight requests finish (HTTP/1 connections close
   * after their current response, HTTP/2 ones get GOAWAY) within the grace period, then close
   * everything.
   */
  shutdown(graceMs = this.#config.shutdownGracePeriodMs): Promise<void> {
    this.#shuttingDown ??= (async () => {
      this.#log.info({ graceMs }, 'shutting down');
      for (const l of this.#listeners) l.close();
      await Promise.all(this.#listeners.map((l) => l.drain(graceMs)));
      this.#h1.close();
      this.#outbound.close();
      this.#inbound.close();
      await this.#admin.close();
      this.identity?.close();
      this.#destination.close();
      await this.#tapServer?.close();
    })();
    return this.#shuttingDown;
  }
}

/** The injector's default `POLICY_CLUSTER_NETWORKS`, used when the variable is unset. */
const DEFAULT_CLUSTER_NETWORKS = parseNetworkSet(
  '10.0.0.0/8,100.64.0.0/10,172.16.0.0/12,192.168.0.0/16,fd00::/8',
);

function compose(base: Dispatcher, interceptors: Interceptor[]): Dispatcher {
  let d = base;
  for (const i of interceptors) d = i(d);
  return d;
}
