export {
  ClosedError,
  ConfigError,
  FailfastError,
  LoadShedError,
  NoEndpointsError,
  TimeoutError,
} from './errors.js';
export {
  ErrorCode,
  type ErrorCodeValue,
  hasErrorCode,
  SkeinError,
  type SkeinErrorOptions,
} from './skein-error.js';
