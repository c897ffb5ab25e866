import { ApiException, KubeConfig } from '@kubernetes/client-node';
import { expect } from 'vitest';
import {
  type KubeApiServer,
  type KubeApiServerOptions,
  type KubeStatus,
  startKubeApiServer,
} from '../../src/index.js';

/** A started server and a KubeConfig for it, loaded the way an app would. */
export interface KubeFixture {
  server: KubeApiServer;
  kc: KubeConfig;
}

/** Starts a server and loads its kubeconfig text into a real client KubeConfig. */
export async function startFixture(options?: KubeApiServerOptions): Promise<KubeFixture> {
  const server = await startKubeApiServer(options);
  const kc = new KubeConfig();
  kc.loadFromString(server.kubeconfig);
  return { server, kc };
}

/** Runs `call`, expects an ApiException, and returns the Status object it carried. */
export async function expectStatus(
  call: () => Promise<unknown>,
  code: number,
  reason: string,
): Promise<KubeStatus> {
  let caught: unknown;
  try {
    await call();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'the call should have failed').toBeInstanceOf(ApiException);
  const error = caught as ApiException<string>;
  expect(error.code).toBe(code);
  const status = JSON.parse(error.body) as KubeStatus;
  expect(status).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason });
  return status;
}
