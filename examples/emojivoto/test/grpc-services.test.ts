import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upstream } from '../src/address.ts';
import { CATALOG } from '../src/catalog.ts';
import { startEmojiServer } from '../src/emoji-server.ts';
import { EmojiClient, VotingClient } from '../src/grpc-clients.ts';
import type { RunningServer } from '../src/grpc-server.ts';
import { startVotingServer, type VotingServer } from '../src/voting-server.ts';

const local = (port: number) => upstream({ host: '127.0.0.1', port }, undefined);

describe('emoji service over gRPC', () => {
  let server: RunningServer;
  let client: EmojiClient;
  beforeAll(async () => {
    server = await startEmojiServer({ host: '127.0.0.1', port: 0 });
    client = new EmojiClient(local(server.port));
  });
  afterAll(async () => {
    client.close();
    await server.close();
  });

  it('lists the catalogue', async () => {
    expect(await client.listAll()).toEqual(CATALOG);
  });

  it('finds by shortcode, and answers nothing for an unknown one', async () => {
    expect(await client.find(':rocket:')).toEqual({ unicode: '🚀', shortcode: ':rocket:' });
    expect(await client.find(':nope:')).toBeUndefined();
  });
});

describe('voting service over gRPC', () => {
  let server: VotingServer;
  let client: VotingClient;
  // A fixed sequence: the first, third, … doughnut vote fails.
  let n = 0;
  beforeAll(async () => {
    server = await startVotingServer({
      listen: { host: '127.0.0.1', port: 0 },
      doughnutFailureRate: 0.5,
      random: () => (n++ % 2 === 0 ? 0.1 : 0.9),
    });
    client = new VotingClient(local(server.port));
  });
  afterAll(async () => {
    client.close();
    await server.close();
  });

  it('counts votes and ranks them', async () => {
    await client.vote(':rocket:');
    await client.vote(':rocket:');
    await client.vote(':taco:');
    expect(await client.results()).toEqual([
      { shortcode: ':rocket:', votes: 2 },
      { shortcode: ':taco:', votes: 1 },
    ]);
  });

  it('fails the doughnut route part of the time with Unknown', async () => {
    await expect(client.vote(':doughnut:')).rejects.toMatchObject({
      code: status.UNKNOWN,
      details: 'ERROR: the doughnut vote store is broken',
    });
    await client.vote(':doughnut:');
    expect(server.tally.get(':doughnut:')).toBe(1);
  });

  it('refuses unknown emoji on Vote', async () => {
    await expect(client.vote(':nope:')).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
  });
});
