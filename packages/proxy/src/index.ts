/**
 * `@skein/proxy`: Skein's data-plane proxy.
 *
 * @packageDocumentation
 */

export { type BodySink, type BodySource, RequestBody } from './http/request-body.js';
export type * from './http/types.js';
export { Http1Pool, type Http1PoolOptions } from './http1/client-pool.js';
export { Http1ServerConnection, type Http1ServerOptions } from './http1/server-connection.js';
export type * from './transport/connection-info.js';
export { type Connector, type TcpConnectOptions, tcpConnector } from './transport/connector.js';
