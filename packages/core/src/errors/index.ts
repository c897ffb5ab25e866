export { ClosedError, ConfigError, FailfastError, LoadShedError, TimeoutError } from './errors.js';
export {
  ErrorCode,
  type ErrorCodeValue,
  hasErrorCode,
  SkeinError,
  type SkeinErrorOptions,
} from './skein-error.js';
