import { credentials, type ServiceError } from '@grpc/grpc-js';
import { IdentityClient } from '@skein/core/proto';

/** The outcome of one raw Certify call. */
export type CallOutcome =
  | { ok: true; leaf: Uint8Array; intermediates: Uint8Array[]; validUntilSeconds: number }
  | { ok: false; code: number; details: string };

/** Calls Certify on `127.0.0.1:<port>` with a plain grpc-js client. */
export function callCertify(
  port: number,
  request: { identity: string; token: Uint8Array; certificateSigningRequest: Uint8Array },
): Promise<CallOutcome> {
  const client = new IdentityClient(`127.0.0.1:${port}`, credentials.createInsecure());
  return new Promise<CallOutcome>((resolve) => {
    client.certify(request, (err: ServiceError | null, res) => {
      client.close();
      if (err !== null || res === undefined) {
        resolve({ ok: false, code: err?.code ?? -1, details: err?.details ?? '' });
        return;
      }
      resolve({
        ok: true,
        leaf: res.leafCertificate,
        intermediates: res.intermediateCertificates,
        validUntilSeconds: Number(res.validUntil?.seconds ?? 0),
      });
    });
  });
}
