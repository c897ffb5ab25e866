import { describe, expect, it } from 'vitest';
import { matchesLabels, parseLabelSelector } from '../../src/kube/label-selector.js';
import { KubeApiError } from '../../src/kube/status.js';

const matches = (selector: string, labels: Record<string, string>) =>
  matchesLabels(parseLabelSelector(selector), labels);

describe('label selectors', () => {
  it('parses every operator', () => {
    expect(parseLabelSelector('a=1, b==2,c!=3,d in (x, y),e notin (z),f,!g')).toEqual([
      { op: 'eq', key: 'a', value: '1' },
      { op: 'eq', key: 'b', value: '2' },
      { op: 'neq', key: 'c', value: '3' },
      { op: 'in', key: 'd', values: ['x', 'y'] },
      { op: 'notin', key: 'e', values: ['z'] },
      { op: 'exists', key: 'f' },
      { op: 'notexists', key: 'g' },
    ]);
    expect(parseLabelSelector('')).toEqual([]);
  });

  it('matches like Kubernetes: != and notin select objects without the key', () => {
    expect(matches('app!=web', {})).toBe(true);
    expect(matches('app notin (web)', {})).toBe(true);
    expect(matches('app in (web)', {})).toBe(false);
    expect(matches('app=', { app: '' })).toBe(true);
    expect(matches('app.kubernetes.io/name=web', { 'app.kubernetes.io/name': 'web' })).toBe(true);
  });

  it('rejects malformed selectors with a 400 naming the problem', () => {
    for (const bad of ['a in (x', 'a=b c', 'Bad Key=1', ',', `a=${'x'.repeat(64)}`]) {
      let error: unknown;
      try {
        parseLabelSelector(bad);
      } catch (e) {
        error = e;
      }
      expect(error, bad).toBeInstanceOf(KubeApiError);
      expect((error as KubeApiError).status).toMatchObject({ code: 400, reason: 'BadRequest' });
    }
  });
});
