import type { Connector } from './connector.js';

/**
 * Wraps `connect` so that the proxy's own TCP failures are reported: a connection that could
 * not be opened, and an error on a connected socket (the upstream reset or failed mid-stream).
 * Each failure is reported once; the connector's result is unchanged. Closing a socket on
 * purpose (the client went away and the forward resets the upstream) is not an error.
 */
export function reportingConnector(connect: Connector, onError: (error: Error) => void): Connector {
  return () => {
    let connecting: Promise<Awaited<ReturnType<Connector>>>;
    try {
      connecting = connect();
    } catch (err) {
      connecting = Promise.reject(err);
    }
    return connecting.then(
      (socket) => {
        socket.once('error', onError);
        return socket;
      },
      (err: unknown) => {
        onError(err instanceof Error ? err : new Error(String(err)));
        throw err;
      },
    );
  };
}
