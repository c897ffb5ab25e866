import type { Dispatcher, HttpRequest, ResponseHandler, ResponseHead } from '@skein/proxy';
import { describe, expect, it } from 'vitest';
import { egressAllowlist } from '../src/egress-allowlist.ts';
import plugin from '../src/plugin.ts';
import { requestId } from '../src/request-id.ts';

function request(authority: string, headers: string[] = []): HttpRequest {
  return { authority, headers, grpc: false, receivedAt: performance.now() } as unknown as HttpRequest;
}

function recorder(): ResponseHandler & { head?: ResponseHead; ended: boolean } {
  const r = {
    ended: false,
    head: undefined as ResponseHead | undefined,
    onStart() {},
    onHead(head: ResponseHead) {
      r.head = head;
    },
    onData: () => true,
    onEnd() {
      r.ended = true;
    },
    onError(err: Error) {
      throw err;
    },
  };
  return r;
}

describe('the layers on their own (no proxy)', () => {
  const forwarded: HttpRequest[] = [];
  const next: Dispatcher = { dispatch: (req) => forwarded.push(req) };

  it('request-id leaves other headers alone', () => {
    const req = request('api.example', ['accept', '*/*']);
    requestId()(next).dispatch(req, recorder());
    expect(req.headers.slice(0, 2)).toEqual(['accept', '*/*']);
    expect(req.headers[2]).toBe('x-request-id');
  });

  it('the allowlist matches hosts case-insensitively, with or without a port, IPv6 included', () => {
    const layer = egressAllowlist(['API.example', '[::1]'])(next);
    for (const authority of ['api.example', 'api.EXAMPLE:8080', '[::1]:80']) {
      const before = forwarded.length;
      layer.dispatch(request(authority), recorder());
      expect(forwarded.length, authority).toBe(before + 1);
    }
    const refused = recorder();
    layer.dispatch(request('api.example.evil.com:80'), refused);
    expect(refused.head?.status).toBe(403);
    expect(refused.ended).toBe(true);
  });

  it('the plugin adds the allowlist only when EGRESS_ALLOW_HOSTS is set', () => {
    const saved = process.env.EGRESS_ALLOW_HOSTS;
    try {
      delete process.env.EGRESS_ALLOW_HOSTS;
      expect(plugin().outbound).toHaveLength(2);
      process.env.EGRESS_ALLOW_HOSTS = 'a.example,b.example';
      expect(plugin().outbound).toHaveLength(3);
    } finally {
      if (saved === undefined) delete process.env.EGRESS_ALLOW_HOSTS;
      else process.env.EGRESS_ALLOW_HOSTS = saved;
    }
  });
});
