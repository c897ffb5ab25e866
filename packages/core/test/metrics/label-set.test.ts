import { describe, expect, it } from 'vitest';
import { SkeinError } from '../../src/errors/index.js';
import { escapeHelp, escapeLabelValue, formatSampleValue } from '../../src/metrics/exposition.js';
import { LabelSet } from '../../src/metrics/label-set.js';

describe('LabelSet', () => {
  it('renders labels once, in order, escaped', () => {
    const set = LabelSet.of({ direction: 'outbound', authority: 'web:80', n: 3, ok: true });
    expect(set.text).toBe('direction="outbound",authority="web:80",n="3",ok="true"');
    expect(set.toString()).toBe('{direction="outbound",authority="web:80",n="3",ok="true"}');
    expect(set.size).toBe(4);
    expect(set.get('authority')).toBe('web:80');
    expect(set.get('missing')).toBeUndefined();
    expect(set.entries()[0]).toEqual(['direction', 'outbound']);
    expect(LabelSet.EMPTY.toString()).toBe('');
  });

  it('escapes backslash, double quote and newline and nothing else', () => {
    const set = LabelSet.of([['path', 'C:\\dir "x"\nnext\ttab ünï ✓']]);
    expect(set.text).toBe('path="C:\\\\dir \\"x\\"\\nnext\ttab ünï ✓"');
    expect(escapeLabelValue('plain')).toBe('plain');
    expect(escapeLabelValue('\\"\n')).toBe('\\\\\\"\\n');
    expect(escapeHelp('a\\b\nc "q"')).toBe('a\\\\b\\nc "q"');
  });

  it('appends with `with`, keeps identity independent of order, and caches the object form', () => {
    const a = LabelSet.of([
      ['a', '1'],
      ['b', '2'],
    ]);
    const b = LabelSet.of([
      ['b', '2'],
      ['a', '1'],
    ]);
    expect(a.key).toBe(b.key);
    expect(a.text).not.toBe(b.text);
    const c = a.with([['status_code', 200]]);
    expect(c.text).toBe('a="1",b="2",status_code="200"');
    expect(a.with([])).toBe(a);
    expect(c.toObject()).toEqual({ a: '1', b: '2', status_code: '200' });
    expect(c.toObject()).toBe(c.toObject());
    expect(Object.isFrozen(c.toObject())).toBe(true);
  });

  it.each([['1abc'], ['a-b'], ['__reserved'], [''], ['a b'], ['é']])('refuses label name %j', (name) => {
    expect(() => LabelSet.of([[name, 'v']])).toThrow(SkeinError);
    expect(() => LabelSet.of([[name, 'v']])).toThrow(/invalid label name/);
  });

  it('refuses a repeated label name', () => {
    expect(() => LabelSet.of([['a', '1']]).with({ a: '2' })).toThrow(/appears twice/);
  });

  it('formats sample values', () => {
    expect(formatSampleValue(1)).toBe('1');
    expect(formatSampleValue(0.25)).toBe('0.25');
    expect(formatSampleValue(1e21)).toBe('1e+21');
    expect(formatSampleValue(Number.NaN)).toBe('NaN');
    expect(formatSampleValue(Number.POSITIVE_INFINITY)).toBe('+Inf');
    expect(formatSampleValue(Number.NEGATIVE_INFINITY)).toBe('-Inf');
  });
});
