import type { ApiContext, ApiOutcome, ApiRequest } from './api-context.js';
import type { ApiPath } from './api-path.js';
import { negotiateView, parseJsonBody, readBody, sendJson } from './http-io.js';
import { listPage, parseSelection, type Selection } from './list-query.js';
import { viewList, viewObject } from './object-view.js';
import { type ResourceType, storageKey } from './resource-type.js';
import { accessReview, tokenRequest, tokenReview } from './review-handlers.js';
import { forbidden, methodNotAllowed, pathNotFound } from './status.js';
import { serveWatch } from './watch-handler.js';
import { serveCreate, serveDelete, serveUpdate } from './write-handlers.js';

type ResourcePath = Extract<ApiPath, { kind: 'resource' }>;

const verbOf: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'patch' };

function isWatch(path: ResourcePath, query: URLSearchParams): boolean {
  const w = query.get('watch');
  return path.watch || w === 'true' || w === '1';
}

function authorize(
  ctx: ApiContext,
  request: ApiRequest,
  type: ResourceType,
  path: ResourcePath,
  verb: string,
): void {
  if (!ctx.enforceAccessRules) return;
  const user = request.user;
  const decision = ctx.rules.decide({
    user: user?.username ?? 'system:anonymous',
    groups: user?.groups ?? ['system:unauthenticated'],
    verb,
    apiGroup: type.group,
    resource: type.plural,
    ...(path.subresource === undefined ? {} : { subresource: path.subresource }),
    ...(path.namespace === undefined ? {} : { namespace: path.namespace }),
    ...(path.name === undefined ? {} : { name: path.name }),
  });
  if (decision.allowed) return;
  const what = path.subresource === undefined ? type.plural : `${type.plural}/${path.subresource}`;
  const where =
    path.namespace === undefined ? 'at the cluster scope' : `in the namespace "${path.namespace}"`;
  throw forbidden(
    { group: type.group, resource: type.plural, ...(path.name === undefined ? {} : { name: path.name }) },
    `${what}${type.group === '' ? '' : `.${type.group}`}${path.name === undefined ? '' : ` "${path.name}"`} is forbidden: User "${user?.username ?? 'system:anonymous'}" cannot ${verb} resource "${what}" in API group "${type.group}" ${where}${decision.reason === '' ? '' : `: ${decision.reason}`}`,
  );
}

function withName(selection: Selection, name: string): Selection {
  return {
    ...selection,
    fields: [...selection.fields, { path: 'metadata.name', value: name, negate: false }],
  };
}

async function serveReview(
  ctx: ApiContext,
  request: ApiRequest,
  type: ResourceType,
  path: ResourcePath,
): Promise<ApiOutcome> {
  const body = parseJsonBody(await readBody(request.req), request.req.headers['content-type'] ?? '');
  const answer =
    type.kind === 'TokenReview'
      ? tokenReview(ctx.tokens, body)
      : accessReview(
          ctx.rules,
          type.kind as 'SubjectAccessReview' | 'LocalSubjectAccessReview' | 'SelfSubjectAccessReview',
          body,
          path.namespace,
          request.user,
        );
  sendJson(request.res, 201, answer);
  return { status: 201, watch: false };
}

/** Serves a request on `/api/v1/...` or `/apis/<group>/<version>/...` for a stored resource. */
export async function serveResource(
  ctx: ApiContext,
  request: ApiRequest,
  path: ResourcePath,
): Promise<ApiOutcome> {
  const type = ctx.registry.byPath(path.group, path.version, path.plural);
  if (type === undefined || (!type.namespaced && path.namespace !== undefined)) throw pathNotFound();
  const { method, query, res, req } = request;
  const { namespace, name, subresource, version } = { ...path };
  const watch = isWatch(path, query);
  if (type.verbs !== undefined) {
    if (method !== 'POST' || name !== undefined) throw methodNotAllowed();
    authorize(ctx, request, type, path, 'create');
    return serveReview(ctx, request, type, path);
  }
  if (subresource !== undefined) {
    const known =
      (subresource === 'status' && type.statusSubresource) || (type.subresources ?? []).includes(subresource);
    if (!known || name === undefined) throw pathNotFound();
  }
  const view = negotiateView(req.headers.accept);

  if (method === 'GET' && (watch || name === undefined)) {
    let selection = parseSelection(query, type, namespace);
    if (name !== undefined) selection = withName(selection, name);
    authorize(ctx, request, type, path, watch ? 'watch' : 'list');
    if (watch) return serveWatch(ctx, request, type, version, namespace, selection, view);
    const page = listPage(ctx.store, type, selection, query);
    sendJson(res, 200, viewList(page.items, type, version, view, page));
    return { status: 200, watch: false };
  }
  if (method === 'GET') {
    authorize(ctx, request, type, path, 'get');
    sendJson(res, 200, viewObject(ctx.ops.get(type, namespace, name!), type, version, view));
    return { status: 200, watch: false };
  }
  const target = { type, version, namespace, name, subresource };
  if (method === 'POST') {
    if (name !== undefined && subresource === 'token' && storageKey(type) === '/serviceaccounts') {
      authorize(ctx, request, type, path, 'create');
      const body = parseJsonBody(await readBody(req), req.headers['content-type'] ?? '');
      sendJson(res, 201, tokenRequest(ctx.tokens, ctx.ops.get(type, namespace, name), body));
      return { status: 201, watch: false };
    }
    if (name !== undefined || (type.namespaced && namespace === undefined)) throw methodNotAllowed();
    authorize(ctx, request, type, path, 'create');
    return serveCreate(ctx, request, target);
  }
  if ((method === 'PUT' || method === 'PATCH') && name !== undefined && subresource !== 'token') {
    authorize(ctx, request, type, path, verbOf[method]!);
    return serveUpdate(ctx, request, { ...target, name });
  }
  if (method === 'DELETE' && subresource === undefined) {
    authorize(ctx, request, type, path, name === undefined ? 'deletecollection' : 'delete');
    return serveDelete(ctx, request, target);
  }
  throw methodNotAllowed();
}
