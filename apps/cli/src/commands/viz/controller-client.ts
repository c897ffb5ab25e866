import { existsSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { ResourceName } from '@skein/install';
import type { ControllerFlags, ControllerTarget } from './controller-address.js';

/** The controller could not be reached or refused a request; the message is for the user. */
export class ControllerRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ControllerRequestError';
  }
}

interface Endpoint {
  readonly base: string;
  readonly options: RequestOptions;
  readonly describe: string;
}

/** Talks to the controller API directly or through the Kubernetes API's service proxy. */
export class ControllerClient {
  readonly #target: ControllerTarget;
  readonly #flags: ControllerFlags;
  #endpoint: Endpoint | undefined;

  constructor(target: ControllerTarget, flags: ControllerFlags) {
    this.#target = target;
    this.#flags = flags;
  }

  async #resolve(): Promise<Endpoint> {
    if (this.#endpoint !== undefined) return this.#endpoint;
    if (this.#target.kind === 'direct') {
      this.#endpoint = {
        base: this.#target.url,
        options: {},
        describe: `${this.#target.url} (from ${this.#target.origin})`,
      };
      return this.#endpoint;
    }
    const kc = new KubeConfig();
    const hint = `pass --api-addr, set SKEIN_API_ADDR, or start a local mesh (none is advertised at ${this.#target.statePath})`;
    const kubeconfigFile =
      this.#flags.kubeconfig ?? process.env.KUBECONFIG ?? join(homedir(), '.kube', 'config');
    const inCluster = process.env.KUBERNETES_SERVICE_HOST !== undefined;
    if (
      this.#flags.kubeconfig === undefined &&
      !inCluster &&
      !existsSync(kubeconfigFile.split(':')[0] ?? '')
    ) {
      throw new ControllerRequestError(
        `cannot find the Skein controller: ${hint}; no kubeconfig found either (${kubeconfigFile})`,
      );
    }
    const options: RequestOptions = {};
    let cluster: ReturnType<KubeConfig['getCurrentCluster']>;
    try {
      if (this.#flags.kubeconfig !== undefined) kc.loadFromFile(this.#flags.kubeconfig);
      else kc.loadFromDefault();
      if (this.#flags.context !== undefined) kc.setCurrentContext(this.#flags.context);
      cluster = kc.getCurrentCluster();
      if (cluster === null) throw new Error('the kubeconfig has no current cluster');
      await kc.applyToHTTPSOptions(options as Parameters<KubeConfig['applyToHTTPSOptions']>[0]);
    } catch (err) {
      throw new ControllerRequestError(
        `cannot find the Skein controller: ${hint}; the Kubernetes API cannot be used: ${(err as Error).message}`,
      );
    }
    const base = `${cluster.server.replace(/\/+$/, '')}/api/v1/namespaces/${this.#target.namespace}/services/${ResourceName.controller}:http/proxy`;
    this.#endpoint = { base, options, describe: `${base} (from ${this.#target.origin})` };
    return this.#endpoint;
  }

  async #send(method: string, path: string, body?: string): Promise<IncomingMessage> {
    const ep = await this.#resolve();
    const url = new URL(`${ep.base}${path}`);
    const make = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = make(
        url,
        {
          ...ep.options,
          method,
          headers: {
            ...(ep.options.headers ?? {}),
            accept: 'application/json',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
        },
        resolve,
      );
      req.on('error', (err: NodeJS.ErrnoException) => {
        reject(
          new ControllerRequestError(
            `cannot reach the Skein controller at ${ep.describe}: ${err.code ?? err.message}. Is it running? Start one with skein-controller, or point --api-addr / SKEIN_API_ADDR at it.`,
          ),
        );
      });
      req.setTimeout(15_000, () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
      req.end(body);
    });
  }

  async #failure(res: IncomingMessage): Promise<ControllerRequestError> {
    const text = await readAll(res);
    try {
      const body = JSON.parse(text) as { error?: { message?: string } };
      if (body.error?.message !== undefined) return new ControllerRequestError(body.error.message);
    } catch {
      // not JSON: report the status
    }
    return new ControllerRequestError(
      `the controller answered HTTP ${res.statusCode}: ${text.slice(0, 200)}`,
    );
  }

  /** GETs a JSON document. */
  async getJson<T>(path: string, params: Record<string, string | undefined> = {}): Promise<T> {
    const res = await this.#send('GET', withQuery(path, params));
    if (res.statusCode !== 200) throw await this.#failure(res);
    return JSON.parse(await readAll(res)) as T;
  }

  /** GETs a text document. */
  async getText(path: string): Promise<string> {
    const res = await this.#send('GET', path);
    if (res.statusCode !== 200) throw await this.#failure(res);
    return readAll(res);
  }

  /** POSTs JSON and yields the NDJSON lines of the streamed answer until it ends or `signal` fires. */
  async *postStream(path: string, body: unknown, signal: AbortSignal): AsyncGenerator<unknown> {
    const res = await this.#send('POST', path, JSON.stringify(body));
    if (res.statusCode !== 200) throw await this.#failure(res);
    const onAbort = () => res.destroy();
    signal.addEventListener('abort', onAbort, { once: true });
    let buffered = '';
    try {
      for await (const chunk of res as AsyncIterable<Buffer>) {
        buffered += chunk.toString('utf8');
        let nl = buffered.indexOf('\n');
        while (nl >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          if (line !== '') {
            const value = JSON.parse(line) as { error?: { message?: string } };
            if (value.error?.message !== undefined) throw new ControllerRequestError(value.error.message);
            yield value;
          }
          nl = buffered.indexOf('\n');
        }
      }
    } catch (err) {
      if (!signal.aborted) throw err;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }
}

function withQuery(path: string, params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  return s === '' ? path : `${path}?${s}`;
}

async function readAll(res: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of res as AsyncIterable<Buffer>) text += chunk.toString('utf8');
  return text;
}
