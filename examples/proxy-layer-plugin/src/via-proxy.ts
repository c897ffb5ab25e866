import http from 'node:http';

/** A response read in full. */
export interface ProxiedResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

const agent = new http.Agent({ keepAlive: true });

/**
 * GETs `url` through a proxy's outbound listener in explicit mode (absolute-form request line,
 * as an `HTTP_PROXY` client sends it). The proxy routes by the URL's authority.
 */
export function getViaProxy(
  proxyPort: number,
  url: string,
  headers: Readonly<Record<string, string>> = {},
): Promise<ProxiedResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: proxyPort,
        path: url,
        headers: { host: new URL(url).host, ...headers },
        agent,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Closes the kept-alive connections to proxies. */
export function closeProxyConnections(): void {
  agent.destroy();
}
