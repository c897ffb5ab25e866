import { randomUUID } from 'node:crypto';
import type { HeaderList, Interceptor } from '@skein/proxy';

function has(headers: HeaderList, name: string): boolean {
  for (let i = 0; i < headers.length; i += 2) if (headers[i] === name) return true;
  return false;
}

/**
 * Gives every outbound request an `x-request-id` (a random UUID) unless the application already
 * set one, so every service the request crosses can log the same id.
 */
export function requestId(): Interceptor {
  return (next) => ({
    dispatch(request, handler) {
      // Header names in a HeaderList are lowercase, as the proxy forwards them.
      if (!has(request.headers, 'x-request-id')) request.headers.push('x-request-id', randomUUID());
      next.dispatch(request, handler);
    },
  });
}
