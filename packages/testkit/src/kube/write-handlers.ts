import type { ApiContext, ApiOutcome, ApiRequest } from './api-context.js';
import { negotiateView, parseJsonBody, readBody, sendJson } from './http-io.js';
import { cloneJson, isJsonObject, type KubeObject } from './kube-object.js';
import { listPage, parseSelection } from './list-query.js';
import { checkBodyKind, resolveNamespace } from './object-checks.js';
import { viewList, viewObject } from './object-view.js';
import { patchedObject, patchMediaType, patchPrecondition } from './patch-operation.js';
import { type DeletePreconditions, inVersion } from './resource-operations.js';
import { groupVersion, type ResourceType } from './resource-type.js';
import { badRequest, successStatus } from './status.js';

/** Where a write goes. */
export interface WriteTarget {
  type: ResourceType;
  version: string;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
}

function dryRun(query: URLSearchParams): boolean {
  const values = query.getAll('dryRun');
  for (const v of values)
    if (v !== 'All')
      throw badRequest(`dryRun: Unsupported value: ${JSON.stringify(v)}: supported values: "All"`);
  return values.length > 0;
}

/** The body as the decoder hands it to admission: kind checked, apiVersion, kind and namespace set. */
function decoded(t: WriteTarget, body: unknown): KubeObject {
  const obj = cloneJson(checkBodyKind(t.type, body));
  const namespace = resolveNamespace(t.type, t.namespace, obj);
  obj.apiVersion ??= groupVersion(t.type.group, t.version);
  obj.kind ??= t.type.kind;
  obj.metadata = { ...obj.metadata };
  if (namespace !== undefined) obj.metadata.namespace = namespace;
  return obj;
}

/** POST to a collection: admission, then create. */
export async function serveCreate(ctx: ApiContext, request: ApiRequest, t: WriteTarget): Promise<ApiOutcome> {
  const { req, res, query } = request;
  const view = negotiateView(req.headers.accept);
  const dry = dryRun(query);
  const body = decoded(t, parseJsonBody(await readBody(req), req.headers['content-type'] ?? ''));
  const admitted = await ctx.admission.admit({
    operation: 'CREATE',
    ...t,
    name: body.metadata?.name ?? '',
    object: body,
    oldObject: undefined,
    user: request.user,
    dryRun: dry,
  });
  const created = ctx.ops.create(t.type, t.namespace, admitted, { dryRun: dry });
  sendJson(res, 201, viewObject(created, t.type, t.version, view));
  return { status: 201, watch: false };
}

/** PUT or PATCH of an object or its status: the new object, admission, then update. */
export async function serveUpdate(
  ctx: ApiContext,
  request: ApiRequest,
  t: WriteTarget & { name: string },
): Promise<ApiOutcome> {
  const { req, res, query, method } = request;
  const view = negotiateView(req.headers.accept);
  const dry = dryRun(query);
  const text = await readBody(req);
  const contentType = req.headers['content-type'] ?? '';
  let next: KubeObject;
  let old: KubeObject;
  if (method === 'PUT') {
    next = decoded(t, parseJsonBody(text, contentType));
    old = inVersion(ctx.ops.get(t.type, t.namespace, t.name), t.type, t.version);
  } else {
    const mediaType = patchMediaType(contentType);
    const { current, patched } = patchedObject(
      ctx.ops,
      t.type,
      t.version,
      t.namespace,
      t.name,
      mediaType,
      parseJsonBody(text, ''),
    );
    next = patchPrecondition(current, patched);
    old = current;
  }
  const admitted = await ctx.admission.admit({
    operation: 'UPDATE',
    ...t,
    object: next,
    oldObject: old,
    user: request.user,
    dryRun: dry,
  });
  const options = { dryRun: dry, ...(t.subresource === 'status' ? { subresource: 'status' as const } : {}) };
  const result = ctx.ops.update(t.type, t.namespace, t.name, admitted, options);
  sendJson(res, 200, viewObject(result, t.type, t.version, view));
  return { status: 200, watch: false };
}

/** DELETE of one object (admission first) or of a collection. */
export async function serveDelete(ctx: ApiContext, request: ApiRequest, t: WriteTarget): Promise<ApiOutcome> {
  const { req, res, query } = request;
  const view = negotiateView(req.headers.accept);
  const text = await readBody(req);
  const parsed = text.trim() === '' ? {} : parseJsonBody(text, req.headers['content-type'] ?? '');
  const options = isJsonObject(parsed) ? parsed : {};
  const preconditions = isJsonObject(options.preconditions)
    ? (options.preconditions as DeletePreconditions)
    : undefined;
  const dry = dryRun(query) || (Array.isArray(options.dryRun) && options.dryRun.includes('All'));
  const { type, version, namespace, name } = t;
  if (name !== undefined) {
    const old = inVersion(ctx.ops.get(type, namespace, name), type, version);
    await ctx.admission.admit({
      operation: 'DELETE',
      ...t,
      name,
      object: undefined,
      oldObject: old,
      user: request.user,
      dryRun: dry,
    });
    const { object, removed } = ctx.ops.delete(type, namespace, name, {
      dryRun: dry,
      ...(preconditions === undefined ? {} : { preconditions }),
    });
    const code = removed ? 200 : 202;
    const body =
      removed && !type.returnsDeletedObject
        ? successStatus({ group: type.group, resource: type.plural, name, uid: object.metadata.uid })
        : viewObject(object, type, version, view);
    sendJson(res, code, body);
    return { status: code, watch: false };
  }
  const selection = parseSelection(query, type, namespace);
  const victims = listPage(ctx.store, type, selection, new URLSearchParams()).items;
  const deleted = victims.map(
    (v) => ctx.ops.delete(type, v.metadata.namespace, v.metadata.name, { dryRun: dry }).object,
  );
  sendJson(
    res,
    200,
    viewList(deleted, type, version, view, { resourceVersion: String(ctx.store.resourceVersion) }),
  );
  return { status: 200, watch: false };
}
