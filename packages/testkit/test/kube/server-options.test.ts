import { ConfigError } from '@skein/core';
import { describe, expect, it } from 'vitest';
import { selfSignedCertificate, startKubeApiServer } from '../../src/index.js';

describe('startKubeApiServer options', () => {
  it('refuses bad numbers and a mismatched certificate pair with errors naming the option', async () => {
    await expect(startKubeApiServer({ historyLimit: 0 })).rejects.toThrow(
      'invalid historyLimit="0": expected a positive integer',
    );
    await expect(startKubeApiServer({ bookmarkIntervalMs: 1.5 })).rejects.toBeInstanceOf(ConfigError);
    const a = selfSignedCertificate();
    const b = selfSignedCertificate();
    await expect(startKubeApiServer({ tls: { cert: a.cert, key: b.key } })).rejects.toThrow(
      /invalid tls=.*matching PEM private key/,
    );
  });

  it('serves a given certificate pair and reports it as the CA', async () => {
    const pair = selfSignedCertificate({ commonName: 'given' });
    const server = await startKubeApiServer({ tls: pair });
    try {
      expect(server.caPem).toBe(pair.cert);
      expect(server.kubeConfigOptions.clusters[0]).toMatchObject({
        server: server.url,
        skipTLSVerify: false,
        caData: Buffer.from(pair.cert).toString('base64'),
      });
    } finally {
      await server.close();
    }
  });

  it('closes idempotently, ending open watches', async () => {
    const server = await startKubeApiServer();
    const res = await fetch(`${server.url}/api/v1/namespaces?watch=true`);
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(JSON.parse(first.split('\n')[0]!)).toMatchObject({ type: 'ADDED', object: { kind: 'Namespace' } });
    await Promise.all([server.close(), server.close()]);
    let done = false;
    while (!done) done = (await reader.read()).done;
    expect(server.watches()).toEqual([]);
  });
});
