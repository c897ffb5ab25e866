import type { HttpRequest, Interceptor, ResponseHandler } from '@skein/proxy';

const NO_FLOW_CONTROL = { pause() {}, resume() {}, abort() {} };

/** The host of an authority (`host`, `host:port`, `[v6]:port`), lowercase. */
function hostOf(authority: string): string {
  const end = authority.startsWith('[') ? authority.indexOf(']') + 1 : authority.lastIndexOf(':');
  return (end > 0 ? authority.slice(0, end) : authority).toLowerCase();
}

/**
 * Answers as the proxy does for its own refusals: 403 with `l5d-proxy-error`, or for gRPC a
 * trailers-only 200 with `grpc-status` 7 (PermissionDenied).
 */
function refuse(request: HttpRequest, handler: ResponseHandler, message: string): void {
  // content-length 0 ends the message over HTTP/1 too (without it the client would wait for a
  // body until the connection closes).
  const headers = request.grpc
    ? ['content-type', 'application/grpc', 'grpc-status', '7', 'grpc-message', encodeURIComponent(message)]
    : [];
  headers.push('content-length', '0');
  headers.push('l5d-proxy-error', message);
  handler.onStart(NO_FLOW_CONTROL);
  handler.onHead({
    status: request.grpc ? 200 : 403,
    reason: '',
    headers,
    contentLength: 0,
    hasBody: false,
    version: 11,
  });
  handler.onEnd(null);
}

/**
 * Lets outbound requests reach only the listed hosts; any other gets 403 from the proxy, and the
 * request never leaves the pod.
 */
export function egressAllowlist(hosts: readonly string[]): Interceptor {
  const allowed = new Set(hosts.map((h) => h.toLowerCase()));
  return (next) => ({
    dispatch(request, handler) {
      const host = hostOf(request.authority);
      if (allowed.has(host)) next.dispatch(request, handler);
      else refuse(request, handler, `egress to ${host || '(no authority)'} is not allowed`);
    },
  });
}
