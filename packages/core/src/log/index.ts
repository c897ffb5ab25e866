export {
  type CreateLoggerOptions,
  createLogger,
  type LogDestination,
  type LogFormat,
} from './create-logger.js';
export {
  DEFAULT_LOG_FILTER,
  type FilterLevel,
  filterThreshold,
  LogFilter,
  mapLinkerdTarget,
  type TargetDirective,
} from './log-filter.js';
export { LOG_LEVEL_VALUES, type LogFn, type Logger, type LogLevel, nullLogger } from './logger.js';
export { formatPlainLine } from './plain-format.js';
export { ReloadableLogFilter } from './reloadable-log-filter.js';
