import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isJsonObject } from './kube-object.js';

/** Where and how to call a webhook. */
export interface WebhookEndpoint {
  /** Full URL of the webhook (path included). */
  url: string;
  /** PEM CA bundle to verify an HTTPS webhook with; none means the system roots. */
  ca: string | undefined;
  /** TLS server name to verify (a service webhook's `<name>.<namespace>.svc`). */
  servername: string | undefined;
  timeoutMs: number;
}

/** POSTs an AdmissionReview and returns the parsed JSON answer; throws an Error describing any failure. */
export function callWebhook(endpoint: WebhookEndpoint, review: unknown): Promise<Record<string, unknown>> {
  const body = JSON.stringify(review);
  const url = new URL(endpoint.url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
          'Content-Length': Buffer.byteLength(body),
        },
        timeout: endpoint.timeoutMs,
        ...(endpoint.ca === undefined ? {} : { ca: endpoint.ca }),
        ...(endpoint.servername === undefined ? {} : { servername: endpoint.servername }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) {
            reject(new Error(`the server responded with status ${res.statusCode}: ${text.slice(0, 200)}`));
            return;
          }
          try {
            const parsed: unknown = JSON.parse(text);
            if (!isJsonObject(parsed)) throw new Error('not a JSON object');
            resolve(parsed);
          } catch (e) {
            reject(new Error(`the response is not an AdmissionReview: ${(e as Error).message}`));
          }
        });
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`context deadline exceeded (timeout ${endpoint.timeoutMs}ms)`)),
    );
    req.on('error', reject);
    req.end(body);
  });
}
