import { selfSignedCertificate } from '@skein/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdmissionServer, startAdmissionServer } from '../../src/webhook/admission-server.js';
import { createServiceProfileAdmissionHandler } from '../../src/webhook/sp-validator-handler.js';
import { send } from './https-client.js';
import { admissionReview } from './reviews.js';

const pair = selfSignedCertificate({ altNames: ['localhost', '127.0.0.1'] });
let server: AdmissionServer;

beforeAll(async () => {
  server = await startAdmissionServer({
    handler: createServiceProfileAdmissionHandler(),
    certificate: pair,
    host: '127.0.0.1',
  });
});
afterAll(() => server?.close());

function profile(spec: unknown, name = 'web.emojivoto.svc.cluster.local') {
  return {
    apiVersion: 'linkerd.io/v1alpha2',
    kind: 'ServiceProfile',
    metadata: { name, namespace: 'emojivoto' },
    spec,
  };
}

async function validate(object: unknown, operation = 'CREATE') {
  const res = await send(
    `${server.url}/`,
    pair.cert,
    JSON.stringify(admissionReview('ServiceProfile', object, { operation })),
  );
  expect(res.status).toBe(200);
  return (
    JSON.parse(res.body) as { response: { allowed: boolean; status?: { code: number; message: string } } }
  ).response;
}

describe('sp-validator webhook over HTTPS', () => {
  it('admits a valid profile on create and update', async () => {
    const sp = profile({
      routes: [
        {
          name: 'GET /api',
          condition: { method: 'GET', pathRegex: '/api' },
          timeout: '250ms',
          isRetryable: true,
        },
      ],
      retryBudget: { retryRatio: 0.2, minRetriesPerSecond: 10, ttl: '10s' },
    });
    expect(await validate(sp)).toMatchObject({ allowed: true });
    expect(await validate(sp, 'UPDATE')).toMatchObject({ allowed: true });
  });

  it.each<[string, unknown, RegExp]>([
    ['an unknown field', profile({ routes: [], retries: 3 }), /spec\.retries: unknown field/],
    ['a bad name', profile({}, 'Web'), /metadata\.name: "Web" is not a DNS-1123 subdomain/],
    ['a route without condition', profile({ routes: [{ name: 'r' }] }), /the route has no condition/],
    [
      'an empty match',
      profile({ routes: [{ name: 'r', condition: { all: [null] } }] }),
      /"all" contains a null match/,
    ],
    [
      'a bad status range',
      profile({
        routes: [
          {
            name: 'r',
            condition: { method: 'GET' },
            responseClasses: [{ condition: { status: { min: 500, max: 404 } } }],
          },
        ],
      }),
      /cannot be smaller than minimum/,
    ],
    [
      'a negative retry ratio',
      profile({ retryBudget: { retryRatio: -1, minRetriesPerSecond: 1, ttl: '1s' } }),
      /retryRatio: must be non-negative/,
    ],
    ['a missing ttl', profile({ retryBudget: { retryRatio: 0.2, minRetriesPerSecond: 1 } }), /ttl: missing/],
  ])('rejects %s with 400 and the reason', async (_what, object, message) => {
    const response = await validate(object);
    expect(response.allowed).toBe(false);
    expect(response.status!.code).toBe(400);
    expect(response.status!.message).toMatch(message);
  });

  it('admits deletes without looking at the object', async () => {
    expect(await validate(null, 'DELETE')).toMatchObject({ allowed: true });
  });
});
