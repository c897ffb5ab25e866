import { KubeConfig } from '@kubernetes/client-node';
import { type KubeApiServer, startKubeApiServer } from '@skein/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  IDENTITY_TOKEN_AUDIENCE,
  KubernetesTokenValidator,
} from '../../src/certify/kubernetes-token-validator.js';
import { TokenRejectedError } from '../../src/certify/token-validator.js';

const bytes = (t: string) => new Uint8Array(Buffer.from(t));
const reviews = { method: 'POST', path: '/apis/authentication.k8s.io/v1/tokenreviews' };
let api: KubeApiServer;
let validator: KubernetesTokenValidator;

beforeAll(async () => {
  api = await startKubeApiServer({ tls: true, requireToken: true });
  const kc = new KubeConfig();
  kc.loadFromString(api.kubeconfig);
  validator = new KubernetesTokenValidator(kc);
  api.auth.addServiceAccountToken('projected-web', {
    namespace: 'emojivoto',
    name: 'web',
    audiences: [IDENTITY_TOKEN_AUDIENCE],
  });
  api.auth.addServiceAccountToken('legacy-voting', { namespace: 'emojivoto', name: 'voting' });
  api.auth.addServiceAccountToken('expired-web', {
    namespace: 'emojivoto',
    name: 'web',
    audiences: [IDENTITY_TOKEN_AUDIENCE],
    expiresAt: new Date(Date.now() - 1000),
  });
  api.auth.addToken(
    'user-token',
    { username: 'alice', groups: ['system:authenticated'] },
    { audiences: [IDENTITY_TOKEN_AUDIENCE] },
  );
});
afterAll(() => api.close());
beforeEach(() => api.requests.clear());

async function rejection(token: string): Promise<TokenRejectedError> {
  const err = await validator.validate(bytes(token)).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof TokenRejectedError))
    throw new Error(`expected a TokenRejectedError, got ${String(err)}`);
  return err;
}

describe('KubernetesTokenValidator against a Kubernetes API server', () => {
  it('accepts a projected token for identity.l5d.io in one review', async () => {
    expect(await validator.validate(bytes('projected-web'))).toEqual({
      namespace: 'emojivoto',
      serviceAccount: 'web',
    });
    expect(api.requests.count(reviews)).toBe(1);
  });

  it('retries a legacy token without the audience after the audience error', async () => {
    expect(await validator.validate(bytes('legacy-voting\n'))).toEqual({
      namespace: 'emojivoto',
      serviceAccount: 'voting',
    });
    expect(api.requests.count(reviews)).toBe(2);
  });

  it('reports status.error as invalid (expired token)', async () => {
    const err = await rejection('expired-web');
    expect(err.reason).toBe('invalid');
    expect(err.message).toMatch(/TokenReview failed: .*expired/);
  });

  it('reports an unknown token as unauthenticated', async () => {
    const err = await rejection('who-knows');
    expect(err.reason).toBe('unauthenticated');
    expect(api.requests.count(reviews)).toBe(1);
  });

  it('refuses a user that is not a service account', async () => {
    const err = await rejection('user-token');
    expect(err.reason).toBe('unauthenticated');
    expect(err.message).toBe(
      'token user "alice" is not a service account: expected "system:serviceaccount:<namespace>:<name>"',
    );
  });

  it('reports a failing API server as unavailable', async () => {
    api.faults.failNextRequests(1, 503, reviews);
    const err = await rejection('projected-web');
    expect(err.reason).toBe('unavailable');
    expect(err.message).toMatch(/TokenReview request failed/);
    expect(await validator.validate(bytes('projected-web'))).toEqual({
      namespace: 'emojivoto',
      serviceAccount: 'web',
    });
  });

  it('refuses an empty token without asking', async () => {
    const err = await rejection('  ');
    expect(err.reason).toBe('invalid');
    expect(api.requests.count(reviews)).toBe(0);
  });
});
