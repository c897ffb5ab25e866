import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upstream } from '../src/address.ts';
import { DOUGHNUT } from '../src/catalog.ts';
import { VoteBot } from '../src/vote-bot.ts';

describe('vote-bot', () => {
  const requests: { host: string | undefined; url: string | undefined }[] = [];
  let server: http.Server;
  let port: number;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      requests.push({ host: req.headers.host, url: req.url });
      res.writeHead(req.url?.includes('doughnut') ? 500 : 200).end('{}');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it('visits like a browser: the list, then a vote, naming web in Host', async () => {
    const bot = new VoteBot({
      web: upstream({ host: 'web-svc.default.svc.cluster.local', port: 80 }, { host: '127.0.0.1', port }),
      rate: 1,
      doughnutShare: 0,
      random: () => 0.5,
    });
    requests.length = 0;
    expect(await bot.visit()).toBe(200);
    bot.stop();
    expect(requests).toEqual([
      { host: 'web-svc.default.svc.cluster.local:80', url: '/api/list' },
      {
        host: 'web-svc.default.svc.cluster.local:80',
        url: expect.stringMatching(/^\/api\/vote\?choice=%3A\w+%3A$/),
      },
    ]);
  });

  it('sends the doughnut share of votes to :doughnut: and counts the answers', async () => {
    const sequence = [0.1, 0.9, 0.0, 0.1];
    let i = 0;
    const bot = new VoteBot({
      web: upstream({ host: '127.0.0.1', port }, undefined),
      rate: 1,
      doughnutShare: 0.2,
      random: () => sequence[i++ % sequence.length]!,
    });
    expect(bot.pick()).toBe(DOUGHNUT);
    expect(bot.pick()).not.toBe(DOUGHNUT);
    await bot.visit();
    bot.stop();
    expect(bot.stats.visits).toBe(1);
    expect([...bot.stats.statuses]).toEqual([
      [200, 1],
      [500, 1],
    ]);
  });

  it('counts a connection it cannot make as status 0', async () => {
    const bot = new VoteBot({
      web: upstream({ host: '127.0.0.1', port: 1 }, undefined),
      rate: 1,
      doughnutShare: 0,
    });
    expect(await bot.visit()).toBe(0);
    bot.stop();
    expect(bot.stats.statuses.get(0)).toBe(1);
  });
});
