import { ErrorCode, FailfastError, SkeinError } from '@skein/core';
import { describe, expect, it } from 'vitest';
import { ConnectError } from '../../src/errors/proxy-errors.js';
import { mapError, synthesizeResponse } from '../../src/errors/synthesize.js';
import { HttpParseError } from '../../src/http1/parse-error.js';

describe('mapError', () => {
  it('maps the proxy errors to the statuses of spec §2.11', () => {
    expect(mapError(new FailfastError())).toMatchObject({ status: 504, grpcStatus: 4 });
    expect(mapError(new ConnectError('10.0.0.1:80', new Error('ECONNREFUSED')))).toMatchObject({
      status: 502,
      grpcStatus: 14,
    });
    expect(mapError(new HttpParseError(431, 'too many headers'))).toMatchObject({ status: 431, close: true });
    expect(mapError(new SkeinError(ErrorCode.Forbidden, 'denied'))).toMatchObject({
      status: 403,
      grpcStatus: 7,
    });
  });

  it('reads the stable code, so errors from another copy of @skein/core map the same', () => {
    // A plugin bundled with its own @skein/core throws an error of a different SkeinError class.
    class ForeignSkeinError extends Error {
      readonly code = 'ERR_SKEIN_UNAUTHORIZED';
    }
    expect(mapError(new ForeignSkeinError('not on the allowlist'))).toMatchObject({
      status: 403,
      grpcStatus: 7,
      close: false,
    });
    const grpc = synthesizeResponse(new ForeignSkeinError('not on the allowlist'), true, true);
    expect(grpc.head.status).toBe(200);
    expect(grpc.head.headers).toEqual(expect.arrayContaining(['grpc-status', '7']));
  });

  it('answers 500 for anything else, including codes of other libraries', () => {
    expect(mapError(new Error('boom'))).toMatchObject({ status: 500, grpcStatus: 13, close: true });
    const sys = Object.assign(new Error('reset'), { code: 'ECONNRESET' });
    expect(mapError(sys)).toMatchObject({ status: 500 });
  });
});
