import { type Logger, nullLogger, ServiceProfileError, validateServiceProfile } from '@skein/core';
import type { AdmissionHandler } from './injector-handler.js';

/**
 * The sp-validator's admission logic: ServiceProfiles on CREATE and UPDATE must pass Linkerd's
 * rules (`validateServiceProfile`); a failing one is refused with code 400 and the reason.
 */
export function createServiceProfileAdmissionHandler(
  options: { readonly logger?: Logger } = {},
): AdmissionHandler {
  const logger = options.logger ?? nullLogger;
  return async (request) => {
    if (request.operation !== 'CREATE' && request.operation !== 'UPDATE')
      return { uid: request.uid, allowed: true };
    try {
      validateServiceProfile(request.object);
      return { uid: request.uid, allowed: true };
    } catch (cause) {
      if (!(cause instanceof ServiceProfileError)) throw cause;
      logger.info(
        { namespace: request.namespace, name: request.name, problem: cause.message },
        'ServiceProfile rejected',
      );
      return {
        uid: request.uid,
        allowed: false,
        status: { code: 400, reason: 'BadRequest', message: cause.message },
      };
    }
  };
}
