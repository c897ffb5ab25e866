import { type TapEnd, TapHub, type TapRequest, type TapResponse } from '@skein/tap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dispatcher } from '../../src/http/types.js';
import { tapInterceptor } from '../../src/tap/tap-interceptor.js';
import { rawExchange, startH1Proxy } from '../support/h1-proxy.js';

const backend: Dispatcher = {
  dispatch(req, handler) {
    handler.onStart({ pause() {}, resume() {}, abort() {} });
    const body = Buffer.from(`hello ${req.path}`);
    handler.onHead({
      status: 201,
      reason: '',
      headers: ['content-length', String(body.length)],
      contentLength: body.length,
      hasBody: true,
      version: 11,
    });
    handler.onData(body);
    handler.onEnd(null);
  },
};

describe('tapInterceptor', () => {
  const hub = new TapHub();
  let proxy: Awaited<ReturnType<typeof startH1Proxy>>;

  beforeAll(async () => {
    proxy = await startH1Proxy(tapInterceptor(hub, 'outbound')(backend));
  });
  afterAll(() => proxy.close());

  it('reports request, response and end to observers that follow a request', async () => {
    const events: Array<['req', TapRequest] | ['rsp', TapResponse] | ['end', TapEnd]> = [];
    const unsubscribe = hub.subscribe({
      onRequest(r) {
        events.push(['req', r]);
        if (!r.path.startsWith('/tapped')) return undefined;
        return { onResponse: (x) => events.push(['rsp', x]), onEnd: (x) => events.push(['end', x]) };
      },
    });
    const out = await rawExchange(
      proxy.port,
      'GET /tapped?x=1 HTTP/1.1\r\nHost: web.ns:80\r\nX-A: b\r\n\r\nGET /other HTTP/1.1\r\nHost: web.ns:80\r\n\r\n',
    );
    unsubscribe();
    expect(out).toContain('hello /tapped?x=1');
    expect(out).toContain('hello /other');
    expect(events.map((e) => e[0])).toEqual(['req', 'rsp', 'end', 'req']);
    const req = events[0]![1] as TapRequest;
    expect(req).toMatchObject({
      method: 'GET',
      path: '/tapped?x=1',
      authority: 'web.ns:80',
      direction: 'outbound',
    });
    expect(req.id.stream).toBe(1);
    expect(req.headers).toEqual(['host', 'web.ns:80', 'x-a', 'b']);
    expect((events[1]![1] as TapResponse).status).toBe(201);
    expect((events[2]![1] as TapEnd).responseBytes).toBe('hello /tapped?x=1'.length);
    expect((events[3]![1] as TapRequest).id.stream).toBe(2);
  });

  it('does nothing when no one taps', async () => {
    expect(hub.active).toBe(false);
    expect(await rawExchange(proxy.port, 'GET /x HTTP/1.1\r\nHost: a\r\n\r\n')).toContain('hello /x');
  });
});
