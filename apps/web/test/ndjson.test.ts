import { describe, expect, it } from 'vitest';
import { NdjsonDecoder } from '../src/ui/api/ndjson.js';

describe('NdjsonDecoder', () => {
  it('yields values as their lines complete, across chunk boundaries', () => {
    const d = new NdjsonDecoder();
    expect(d.push('{"a":1}\n{"b"')).toEqual({ values: [{ a: 1 }], bad: [] });
    expect(d.pending).toBe('{"b"');
    expect(d.push(':2}\n\n{"c":3}\n')).toEqual({ values: [{ b: 2 }, { c: 3 }], bad: [] });
    expect(d.pending).toBe('');
  });

  it('reports lines that are not JSON instead of throwing', () => {
    const d = new NdjsonDecoder();
    expect(d.push('nope\n{"ok":true}\n')).toEqual({ values: [{ ok: true }], bad: ['nope'] });
  });
});
