import { describe, expect, it } from 'vitest';
import {
  type Classification,
  classify,
  classifyResponse,
  isGrpcFailure,
  type ResponseClass,
  stack,
} from '../../src/index.js';

describe('classifyResponse', () => {
  it('treats HTTP 5xx as failure and everything else as success by default', () => {
    expect(classifyResponse({ status: 200 })).toBe('success');
    expect(classifyResponse({ status: 404 })).toBe('success');
    expect(classifyResponse({ status: 499 })).toBe('success');
    expect(classifyResponse({ status: 500 })).toBe('failure');
    expect(classifyResponse({ status: 503 })).toBe('failure');
    expect(classifyResponse({ status: 599 })).toBe('failure');
  });

  it('uses the gRPC status for gRPC responses: 2,4,7,13,14,15 fail; missing counts as Unknown', () => {
    for (const code of [2, 4, 7, 13, 14, 15]) {
      expect(classifyResponse({ status: 200, grpc: true, grpcStatus: code })).toBe('failure');
      expect(isGrpcFailure(code)).toBe(true);
    }
    for (const code of [0, 1, 3, 5, 6, 8, 9, 10, 11, 12, 16]) {
      expect(classifyResponse({ status: 200, grpc: true, grpcStatus: code })).toBe('success');
    }
    expect(classifyResponse({ status: 200, grpc: true })).toBe('failure');
  });

  it('lets the first matching response class win over the defaults', () => {
    const classes: ResponseClass[] = [
      { condition: { status: { min: 500, max: 500 } }, isFailure: false },
      {
        condition: { any: [{ status: { min: 404, max: 404 } }, { status: { min: 429, max: 429 } }] },
        isFailure: true,
      },
      {
        condition: { all: [{ status: { min: 200, max: 299 } }, { not: { status: { min: 204, max: 204 } } }] },
        isFailure: false,
      },
      { condition: { status: { min: 204, max: 204 } }, isFailure: true },
    ];
    expect(classifyResponse({ status: 500 }, classes)).toBe('success');
    expect(classifyResponse({ status: 404 }, classes)).toBe('failure');
    expect(classifyResponse({ status: 429 }, classes)).toBe('failure');
    expect(classifyResponse({ status: 200 }, classes)).toBe('success');
    expect(classifyResponse({ status: 204 }, classes)).toBe('failure');
    // No class matches 503: default rule.
    expect(classifyResponse({ status: 503 }, classes)).toBe('failure');
  });
});

describe('classify layer', () => {
  it('reports each response and error with its class and passes results through', async () => {
    const seen: Array<[number, Classification]> = [];
    const svc = stack(async (status: number) => {
      if (status === 0) throw new Error('io');
      return { status };
    })
      .push(classify({ outcome: (r) => r, record: (req, c) => seen.push([req, c]) }))
      .service();
    expect(await svc(200)).toEqual({ status: 200 });
    expect(await svc(502)).toEqual({ status: 502 });
    await expect(svc(0)).rejects.toThrow('io');
    expect(seen).toEqual([
      [200, 'success'],
      [502, 'failure'],
      [0, 'failure'],
    ]);
  });
});
