import type { ApiContext, ApiOutcome, ApiRequest } from './api-context.js';
import { sendStatus } from './http-io.js';
import { injectedStatus } from './kube-faults.js';
import type { Selection } from './list-query.js';
import type { ObjectView } from './object-view.js';
import type { ResourceType } from './resource-type.js';
import { qualifiedResource } from './status.js';
import type { WatchSink } from './watch-session.js';

/** Starts a chunked watch response (or answers an injected failure) for a parsed watch request. */
export function serveWatch(
  ctx: ApiContext,
  request: ApiRequest,
  type: ResourceType,
  version: string,
  namespace: string | undefined,
  selection: Selection,
  view: ObjectView,
): ApiOutcome {
  const { res, query } = request;
  const failure = ctx.faults.take({ method: request.method, path: request.path, watch: true });
  if (failure !== undefined && failure.as === 'response') {
    sendStatus(res, injectedStatus(failure.code).status);
    return { status: failure.code, watch: true };
  }
  const sink: WatchSink = {
    write: (chunk) => {
      res.write(chunk);
    },
    end: () => {
      res.end();
    },
    destroy: () => {
      res.socket?.destroy();
    },
  };
  const open = () => {
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Transfer-Encoding': 'chunked',
      'Cache-Control': 'no-cache',
    });
    res.flushHeaders();
  };
  if (failure !== undefined) {
    open();
    sink.write(`${JSON.stringify({ type: 'ERROR', object: injectedStatus(failure.code).status })}\n`);
    sink.end();
    return { status: 200, watch: true };
  }
  // Parameter errors are thrown by open() before the stream starts, so they get a Status response.
  const session = ctx.hub.open({
    info: {
      path: request.path,
      resource: qualifiedResource(type.group, type.plural),
      namespace,
      labelSelector: query.get('labelSelector') ?? '',
      fieldSelector: query.get('fieldSelector') ?? '',
      resourceVersion: query.get('resourceVersion') ?? '',
      bookmarks: query.get('allowWatchBookmarks') === 'true',
    },
    type,
    version,
    selection,
    view,
    params: query,
    sink: {
      write: (chunk) => {
        if (!res.headersSent) open();
        sink.write(chunk);
      },
      end: () => {
        if (!res.headersSent) open();
        sink.end();
      },
      destroy: sink.destroy,
    },
  });
  if (!res.headersSent && !session.closed) open();
  res.on('close', () => session.close());
  return { status: 200, watch: true };
}
