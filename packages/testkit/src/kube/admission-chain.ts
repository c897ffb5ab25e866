import { randomUUID } from 'node:crypto';
import { type AdmissionOperation, type AdmissionTarget, webhookApplies } from './admission-match.js';
import { applyJsonPatch } from './json-patch.js';
import { isJsonObject, type KubeObject } from './kube-object.js';
import type { ObjectStore } from './object-store.js';
import type { ResourceType } from './resource-type.js';
import { internalError, KubeApiError } from './status.js';
import type { TokenUser } from './token-registry.js';
import { callWebhook, type WebhookEndpoint } from './webhook-client.js';

/** A webhook's `clientConfig.service`, with the defaults filled in. */
export interface WebhookServiceRef {
  namespace: string;
  name: string;
  port: number;
  path: string;
}

/**
 * Turns a webhook Service into the base URL it is reachable at in the test (e.g.
 * `https://127.0.0.1:40123`); no cluster network exists to route `<name>.<namespace>.svc`. The
 * TLS server name checked is still `<name>.<namespace>.svc`.
 */
export type WebhookServiceResolver = (service: WebhookServiceRef) => string | undefined;

/** One request to admit. */
export interface AdmissionRequest {
  operation: AdmissionOperation;
  type: ResourceType;
  version: string;
  subresource: string | undefined;
  namespace: string | undefined;
  name: string;
  object: KubeObject | undefined;
  oldObject: KubeObject | undefined;
  user: TokenUser | undefined;
  dryRun: boolean;
}

const MUTATING = 'admissionregistration.k8s.io/mutatingwebhookconfigurations';
const VALIDATING = 'admissionregistration.k8s.io/validatingwebhookconfigurations';
const optionsKind: Record<AdmissionOperation, string> = {
  CREATE: 'CreateOptions',
  UPDATE: 'UpdateOptions',
  DELETE: 'DeleteOptions',
};

function reasonFor(code: number): string {
  if (code === 400) return 'BadRequest';
  if (code === 422) return 'Invalid';
  if (code === 409) return 'Conflict';
  return 'Forbidden';
}

/**
 * Calls the admission webhooks registered in the store, as the API server does: mutating
 * webhooks one after another in configuration-name order (each sees the previous one's JSON
 * patch applied), then validating webhooks together. A denial becomes the webhook's Status; a
 * webhook that cannot be called fails the request (failurePolicy Fail, the default) or is
 * skipped (Ignore).
 */
export class AdmissionChain {
  readonly #store: ObjectStore;
  readonly #resolve: WebhookServiceResolver | undefined;

  constructor(store: ObjectStore, resolve: WebhookServiceResolver | undefined) {
    this.#store = store;
    this.#resolve = resolve;
  }

  /** Admits a request; returns the object as mutated (or as given, for DELETE undefined). */
  async admit(request: AdmissionRequest): Promise<KubeObject | undefined> {
    const mutating = this.#store.current(MUTATING);
    const validating = this.#store.current(VALIDATING);
    if (mutating.length === 0 && validating.length === 0) return request.object;
    const nsLabels =
      request.type.namespaced && request.namespace !== undefined
        ? (this.#store.get('/namespaces', undefined, request.namespace)?.metadata.labels ?? {})
        : undefined;
    let object = request.object;
    for (const config of mutating) {
      for (const hook of this.#hooks(config, { ...request, object, namespaceLabels: nsLabels })) {
        const answer = await this.#call(hook, { ...request, object });
        if (answer === undefined) continue;
        const patch = answer.patch;
        if (typeof patch === 'string' && patch !== '' && object !== undefined) {
          if (answer.patchType !== 'JSONPatch')
            throw this.#failure(hook, `unsupported patchType ${JSON.stringify(answer.patchType)}`);
          try {
            object = applyJsonPatch(
              object,
              JSON.parse(Buffer.from(patch, 'base64').toString('utf8')),
            ) as KubeObject;
          } catch (e) {
            throw this.#failure(hook, `the patch could not be applied: ${(e as Error).message}`);
          }
        }
      }
    }
    const checks = validating.flatMap((config) =>
      this.#hooks(config, { ...request, object, namespaceLabels: nsLabels }).map((hook) =>
        this.#call(hook, { ...request, object }),
      ),
    );
    await Promise.all(checks);
    return object;
  }

  #hooks(config: KubeObject, target: AdmissionTarget): Array<Record<string, unknown>> {
    const hooks = Array.isArray(config.webhooks) ? config.webhooks.filter(isJsonObject) : [];
    return hooks.filter((h) => webhookApplies(h, target));
  }

  #failure(hook: Record<string, unknown>, why: string): KubeApiError {
    return internalError(`failed calling webhook ${JSON.stringify(String(hook.name ?? ''))}: ${why}`);
  }

  #endpoint(hook: Record<string, unknown>): WebhookEndpoint {
    const cc = isJsonObject(hook.clientConfig) ? hook.clientConfig : {};
    const ca =
      typeof cc.caBundle === 'string' && cc.caBundle !== ''
        ? Buffer.from(cc.caBundle, 'base64').toString('utf8')
        : undefined;
    const seconds = typeof hook.timeoutSeconds === 'number' ? hook.timeoutSeconds : 10;
    const timeoutMs = Math.min(Math.max(seconds, 1), 30) * 1000;
    if (typeof cc.url === 'string') return { url: cc.url, ca, servername: undefined, timeoutMs };
    if (!isJsonObject(cc.service)) throw new Error('clientConfig has neither url nor service');
    const ref: WebhookServiceRef = {
      namespace: String(cc.service.namespace ?? ''),
      name: String(cc.service.name ?? ''),
      port: typeof cc.service.port === 'number' ? cc.service.port : 443,
      path: typeof cc.service.path === 'string' ? cc.service.path : '/',
    };
    const base = this.#resolve?.(ref);
    if (base === undefined)
      throw new Error(
        `service "${ref.name}.${ref.namespace}.svc:${ref.port}" is not reachable: pass resolveWebhookService to startKubeApiServer`,
      );
    return {
      url: new URL(ref.path, base).toString(),
      ca,
      servername: `${ref.name}.${ref.namespace}.svc`,
      timeoutMs,
    };
  }

  async #call(
    hook: Record<string, unknown>,
    request: AdmissionRequest,
  ): Promise<Record<string, unknown> | undefined> {
    const name = String(hook.name ?? '');
    const versions = Array.isArray(hook.admissionReviewVersions) ? hook.admissionReviewVersions : ['v1'];
    const apiVersion = versions.includes('v1') ? 'admission.k8s.io/v1' : 'admission.k8s.io/v1beta1';
    const uid = randomUUID();
    const { type } = request;
    const gvk = { group: type.group, version: request.version, kind: type.kind };
    const gvr = { group: type.group, version: request.version, resource: type.plural };
    const sub =
      request.subresource === undefined
        ? {}
        : { subResource: request.subresource, requestSubResource: request.subresource };
    const review = {
      apiVersion,
      kind: 'AdmissionReview',
      request: {
        uid,
        kind: gvk,
        resource: gvr,
        ...sub,
        requestKind: gvk,
        requestResource: gvr,
        name: request.name,
        ...(request.namespace === undefined ? {} : { namespace: request.namespace }),
        operation: request.operation,
        userInfo: request.user ?? { username: 'system:anonymous', groups: ['system:unauthenticated'] },
        object: request.object ?? null,
        oldObject: request.oldObject ?? null,
        dryRun: request.dryRun,
        options: { apiVersion: 'meta.k8s.io/v1', kind: optionsKind[request.operation] },
      },
    };
    let answer: Record<string, unknown>;
    try {
      const reply = await callWebhook(this.#endpoint(hook), review);
      if (reply.apiVersion !== apiVersion || reply.kind !== 'AdmissionReview')
        throw new Error(
          `expected webhook response of ${apiVersion}, Kind=AdmissionReview, got ${String(reply.apiVersion)}, Kind=${String(reply.kind)}`,
        );
      if (!isJsonObject(reply.response)) throw new Error('webhook response was absent');
      if (reply.response.uid !== uid)
        throw new Error(
          `expected response.uid=${JSON.stringify(uid)}, got ${JSON.stringify(reply.response.uid)}`,
        );
      answer = reply.response;
    } catch (e) {
      if (hook.failurePolicy === 'Ignore') return undefined;
      throw this.#failure(hook, `failed to call webhook: ${(e as Error).message}`);
    }
    if (answer.allowed !== true) {
      const status = isJsonObject(answer.status) ? answer.status : {};
      const code = typeof status.code === 'number' && status.code >= 400 ? status.code : 403;
      const message =
        typeof status.message === 'string' && status.message !== ''
          ? `: ${status.message}`
          : ' without explanation';
      const reason =
        typeof status.reason === 'string' && status.reason !== '' ? status.reason : reasonFor(code);
      throw new KubeApiError(
        code,
        reason,
        `admission webhook ${JSON.stringify(name)} denied the request${message}`,
      );
    }
    return answer;
  }
}
