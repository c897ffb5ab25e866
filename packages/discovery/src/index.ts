/**
 * `@skein/discovery`: service discovery for Skein.
 *
 * @packageDocumentation
 */
export { type DiscoveredEndpoint, type EndpointIdentity, endpointAddress } from './endpoint.js';
export {
  normalizeAuthority,
  parseStaticDiscovery,
  type StaticAuthority,
  type StaticDiscovery,
} from './static/static-file.js';
