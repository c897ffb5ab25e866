import { describe, expect, it } from 'vitest';
import { TapHub, type TapRequest } from '../src/index.js';

const request = (path: string): TapRequest => ({
  id: { base: 1, stream: 1 },
  direction: 'outbound',
  source: { ip: '10.0.0.1', port: 5555 },
  destination: { ip: '10.0.0.2', port: 80 },
  method: 'GET',
  scheme: 'http',
  authority: 'web',
  path,
  headers: [],
  tls: 'no_identity',
  sourceLabels: {},
  destinationLabels: {},
  routeLabels: {},
  startedAt: 0,
});

describe('TapHub', () => {
  it('is inactive without observers and offers requests to each observer', () => {
    const hub = new TapHub();
    expect(hub.active).toBe(false);
    const seen: string[] = [];
    const unsubscribe = hub.subscribe({
      onRequest: (r) => {
        seen.push(r.path);
        return r.path === '/follow' ? { onResponse() {}, onEnd() {} } : undefined;
      },
    });
    expect(hub.active).toBe(true);
    expect(hub.request(request('/ignore'))).toBeUndefined();
    expect(hub.request(request('/follow'))).toHaveLength(1);
    expect(seen).toEqual(['/ignore', '/follow']);
    unsubscribe();
    expect(hub.active).toBe(false);
  });

  it('drops an observer that throws and keeps the others', () => {
    const hub = new TapHub();
    hub.subscribe({
      onRequest: () => {
        throw new Error('broken');
      },
    });
    hub.subscribe({ onRequest: () => ({ onResponse() {}, onEnd() {} }) });
    expect(hub.request(request('/'))).toHaveLength(1);
    expect(hub.observers).toBe(1);
  });
});
