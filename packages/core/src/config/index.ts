export { AggregateConfigError, MissingConfigError } from './config-errors.js';
export { dnsNameProblem, isDnsName, MAX_DNS_NAME_LENGTH } from './dns-name.js';
export { type DurationUnit, formatDuration, parseDuration } from './duration.js';
export { EnvConfig, type EnvConfigOptions, type EnvRecord, type Parser } from './env-config.js';
export { type FlagReader, type FlagSpec, type ReadFlagsOptions, readFlags } from './flag-reader.js';
export { formatIp, type IpAddress, isIpv4Mapped, parseIpInto, tryParseIp } from './ip-address.js';
export { splitList } from './list.js';
export { formatNetwork, type IpNetwork, NetworkSet, parseNetwork, parseNetworkSet } from './network-set.js';
export { MAX_PORT, MIN_PORT, type PortRange, PortSet, parsePortSet } from './port-set.js';
export {
  type EnumOptions,
  type NumberRange,
  parseBool,
  parseEnum,
  parseFloatInRange,
  parseUint,
} from './scalars.js';
export {
  formatAddr,
  type HostPort,
  isLoopback,
  parseAddr,
  parseSocketAddr,
  parseSocketAddrList,
} from './socket-addr.js';
export { parseSuffixSet, SuffixSet } from './suffix-set.js';
