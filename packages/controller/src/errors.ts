import { SkeinError } from '@skein/core';

/** Error codes of `@skein/controller`. */
export const ControllerErrorCode = {
  /** A query parameter or body field was invalid. */
  InvalidQuery: 'ERR_SKEIN_CONTROLLER_INVALID_QUERY',
  /** A named resource does not exist. */
  NotFound: 'ERR_SKEIN_CONTROLLER_NOT_FOUND',
  /** The metrics backend (Prometheus, a proxy) failed or answered something unexpected. */
  MetricsUnavailable: 'ERR_SKEIN_CONTROLLER_METRICS_UNAVAILABLE',
  /** An inventory file or the Kubernetes API could not be read. */
  Inventory: 'ERR_SKEIN_CONTROLLER_INVENTORY',
} as const;

/** A query could not be answered as asked: `message` names the parameter, the value and what is expected. */
export class InvalidQueryError extends SkeinError {
  /** The parameter at fault. */
  readonly parameter: string;

  constructor(parameter: string, value: string, expected: string) {
    super(ControllerErrorCode.InvalidQuery, `${parameter}: expected ${expected}, got "${value}"`);
    this.parameter = parameter;
  }
}

/** A named resource does not exist. */
export class ResourceNotFoundError extends SkeinError {
  constructor(message: string) {
    super(ControllerErrorCode.NotFound, message);
  }
}

/** The metrics backend failed; `message` names the backend address and what went wrong. */
export class MetricsUnavailableError extends SkeinError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ControllerErrorCode.MetricsUnavailable, message, options);
  }
}

/** An inventory could not be read. */
export class InventoryError extends SkeinError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ControllerErrorCode.Inventory, message, options);
  }
}
