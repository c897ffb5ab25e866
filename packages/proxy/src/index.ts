/**
 * `@skein/proxy`: Skein's data-plane proxy, as a library. `SkeinProxy.start({ config: readProxyConfig(env) })`
 * runs a full proxy; the pieces (HTTP/1 and HTTP/2 engines, dispatchers, routers, resolvers,
 * detection, listeners) are exported for embedding and plugins.
 *
 * @packageDocumentation
 */
export { AdminServer, type AdminServerOptions } from './admin/admin-server.js';
export {
  PROXY_ENV_REFERENCE,
  type ProxyEnvKind,
  type ProxyEnvScope,
  type ProxyEnvVar,
} from './config/env-reference.js';
export {
  type BackoffConfig,
  type ControlPlaneClient,
  DEFAULT_INBOUND_POLICIES,
  type DefaultInboundPolicy,
  type DirectionConfig,
  type IdentityConfig,
  type MemoryProfile,
  type ProxyConfig,
  readProxyConfig,
} from './config/proxy-config.js';
export { detectHttp, type HttpDetection } from './detect/http-detect.js';
export { type ClientHelloResult, parseClientHello } from './detect/tls-client-hello.js';
export { DnsResolver, type DnsResolverOptions } from './discovery/dns-resolver.js';
export { FallbackResolver } from './discovery/fallback-resolver.js';
export { type Resolver, type ResolveTarget, resolveTarget } from './discovery/resolver.js';
export { StaticResolver } from './discovery/static-resolver.js';
export {
  ConnectError,
  ConnectTimeoutError,
  IdentityRequiredError,
  LoopError,
  NoRouteError,
  RateLimitedError,
  ResponseTimeoutError,
  UnauthorizedError,
  UpstreamIoError,
} from './errors/proxy-errors.js';
export {
  type ErrorMapping,
  errorMetricLabel,
  mapError,
  type SynthesizedResponse,
  synthesizeResponse,
  tcpErrorMetricLabel,
} from './errors/synthesize.js';
export { failExchange, NO_FLOW_CONTROL } from './http/fail.js';
export { ForwardingHandler } from './http/forwarding-handler.js';
export { getHeader, hasHeader, removeHeader, setHeader } from './http/headers.js';
export { DEFAULT_HTTP_SERVER_SETTINGS, type HttpServerSettings } from './http/http-server-options.js';
export { type BodySink, type BodySource, RequestBody } from './http/request-body.js';
export type {
  Dispatcher,
  FlowControl,
  HeaderList,
  HttpRequest,
  HttpVersion,
  Interceptor,
  ResponseHandler,
  ResponseHead,
} from './http/types.js';
export type { ClientConnectionOwner, Http1ClientConnection } from './http1/client-connection.js';
export { Http1Pool, type Http1PoolOptions } from './http1/client-pool.js';
export { HttpParseError } from './http1/parse-error.js';
export { Http1ServerConnection, type Http1ServerOptions } from './http1/server-connection.js';
export * from './http2/index.js';
export type { ProxyIdentity } from './identity/proxy-identity.js';
export { InboundHttpRouter, type InboundHttpRouterOptions } from './inbound/http-router.js';
export type { PolicySource } from './inbound/inbound-policies.js';
export { ProxyMetrics, type ProxyMetricsOptions, type RenderableMetrics } from './metrics/proxy-metrics.js';
export { BalancedTarget, type BalancedTargetOptions } from './outbound/balanced-target.js';
export {
  type EndpointConnectors,
  type OutboundEndpointFactoryOptions,
  outboundEndpointFactory,
} from './outbound/endpoint-factory.js';
export { type ClosableDispatcher, HttpEndpoint, type HttpEndpointOptions } from './outbound/http-endpoint.js';
export {
  OutboundHttpRouter,
  type OutboundHttpRouterOptions,
  outboundAuthority,
} from './outbound/http-router.js';
export { type LoadedPlugins, loadPlugins, type PluginContext, type ProxyPlugin } from './plugins/plugin.js';
export { type ProxyAddresses, type ProxyOptions, SkeinProxy } from './proxy.js';
export { tapInterceptor } from './tap/tap-interceptor.js';
export {
  forwardOpaque,
  type OpaqueForward,
  type OpaqueForwardOptions,
  type OpaqueForwardResult,
} from './tcp/opaque-forward.js';
export type { ConnectionInfo, ConnectionTls, Direction, SocketAddr } from './transport/connection-info.js';
export { type Connector, type TcpConnectOptions, tcpConnector } from './transport/connector.js';
export {
  type BackoffEnvironment,
  type BackoffPolicy,
  EndpointBackoffError,
  ReconnectBackoff,
  withReconnectBackoff,
} from './transport/connector-backoff.js';
export {
  type AcceptedConnection,
  type ConnectionCloseStats,
  type ConnectionHandler,
  type ConnectionHooks,
  Listener,
  type ListenerOptions,
} from './transport/listener.js';
export { originalDst } from './transport/original-dst.js';
export { type PeekOptions, type PeekResult, peekFirstBytes } from './transport/peek.js';
export { ListenError, PeekError, TransportArgumentError } from './transport/transport-errors.js';
