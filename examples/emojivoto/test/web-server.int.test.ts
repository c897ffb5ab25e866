import type { ServerUnaryCall, sendUnaryData } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upstream } from '../src/address.ts';
import { CATALOG } from '../src/catalog.ts';
import { startEmojiServer } from '../src/emoji-server.ts';
import { type RunningServer, startGrpcServer } from '../src/grpc-server.ts';
import { serviceDefinition } from '../src/protos.ts';
import { startVotingServer, type VotingServer } from '../src/voting-server.ts';
import { startWebServer, type WebServer } from '../src/web-server.ts';

const get = async (port: number, path: string, method = 'GET') => {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type'), text };
};

describe('web over real emoji and voting services', () => {
  let emoji: RunningServer;
  let voting: VotingServer;
  let web: WebServer;
  let doughnutFails = true;

  beforeAll(async () => {
    emoji = await startEmojiServer({ host: '127.0.0.1', port: 0 });
    voting = await startVotingServer({
      listen: { host: '127.0.0.1', port: 0 },
      doughnutFailureRate: 0.5,
      random: () => (doughnutFails ? 0 : 0.99),
    });
    web = await startWebServer({
      listen: { host: '127.0.0.1', port: 0 },
      emoji: upstream({ host: '127.0.0.1', port: emoji.port }, undefined),
      voting: upstream({ host: '127.0.0.1', port: voting.port }, undefined),
    });
  });
  afterAll(async () => {
    await web.close();
    await Promise.all([emoji.close(), voting.close()]);
  });

  it('serves the page and a probe', async () => {
    const page = await get(web.port, '/');
    expect(page.status).toBe(200);
    expect(page.type).toBe('text/html; charset=utf-8');
    expect(page.text).toContain('<title>Emoji Vote</title>');
    expect((await get(web.port, '/ping')).text).toBe('pong\n');
  });

  it('lists the emoji from the emoji service', async () => {
    const list = await get(web.port, '/api/list');
    expect(list.status).toBe(200);
    expect(JSON.parse(list.text)).toEqual(CATALOG);
  });

  it('votes through both services and shows the leaderboard', async () => {
    expect(await get(web.port, '/api/vote?choice=%3Arocket%3A')).toMatchObject({
      status: 200,
      text: '{"voted":":rocket:"}',
    });
    doughnutFails = false;
    expect((await get(web.port, '/api/vote?choice=:doughnut:')).status).toBe(200);
    const board = JSON.parse((await get(web.port, '/api/leaderboard')).text) as unknown[];
    expect(board).toEqual([
      { shortcode: ':doughnut:', votes: 1, unicode: '🍩' },
      { shortcode: ':rocket:', votes: 1, unicode: '🚀' },
    ]);
  });

  it('answers 500 when the doughnut vote fails, 404 for an unknown emoji, 400 without a choice', async () => {
    doughnutFails = true;
    const failed = await get(web.port, '/api/vote?choice=:doughnut:');
    expect(failed.status).toBe(500);
    expect(JSON.parse(failed.text)).toEqual({
      error: 'voting for :doughnut:: ERROR: the doughnut vote store is broken',
    });
    expect((await get(web.port, '/api/vote?choice=:nope:')).status).toBe(404);
    expect(await get(web.port, '/api/vote')).toMatchObject({
      status: 400,
      text: '{"error":"choice: expected an emoji shortcode such as :rocket:"}',
    });
    expect((await get(web.port, '/nowhere')).status).toBe(404);
    expect((await get(web.port, '/api/list', 'POST')).status).toBe(405);
  });
});

describe('web in explicit mode', () => {
  it('dials the given address and names the service in :authority', async () => {
    const seen: string[] = [];
    // A stand-in for the sidecar's outbound listener: it records the authority it is asked for.
    const sidecar = await startGrpcServer({ host: '127.0.0.1', port: 0 }, (server) => {
      server.addService(serviceDefinition('EmojiService'), {
        ListAll(call: ServerUnaryCall<object, unknown>, done: sendUnaryData<unknown>) {
          seen.push(call.getHost());
          done(null, { list: [{ unicode: '🚀', shortcode: ':rocket:' }] });
        },
        FindByShortcode(_call: ServerUnaryCall<object, unknown>, done: sendUnaryData<unknown>) {
          done(null, {});
        },
      });
    });
    const via = { host: '127.0.0.1', port: sidecar.port };
    const web = await startWebServer({
      listen: { host: '127.0.0.1', port: 0 },
      emoji: upstream({ host: 'emoji-svc.default.svc.cluster.local', port: 8080 }, via),
      voting: upstream({ host: 'voting-svc.default.svc.cluster.local', port: 8080 }, via),
    });
    try {
      expect(JSON.parse((await get(web.port, '/api/list')).text)).toEqual([
        { unicode: '🚀', shortcode: ':rocket:' },
      ]);
      expect(seen).toEqual(['emoji-svc.default.svc.cluster.local:8080']);
    } finally {
      await web.close();
      await sidecar.close();
    }
  });

  it('answers 502 when the service cannot be reached', async () => {
    const closed = await startEmojiServer({ host: '127.0.0.1', port: 0 });
    await closed.close();
    const web = await startWebServer({
      listen: { host: '127.0.0.1', port: 0 },
      emoji: upstream({ host: '127.0.0.1', port: closed.port }, undefined),
      voting: upstream({ host: '127.0.0.1', port: closed.port }, undefined),
    });
    try {
      const res = await get(web.port, '/api/list');
      expect(res.status).toBe(502);
      expect(res.text).toMatch(/^\{"error":"listing emoji: /);
    } finally {
      await web.close();
    }
  });
});
