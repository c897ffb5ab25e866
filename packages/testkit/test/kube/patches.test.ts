import { describe, expect, it } from 'vitest';
import { applyJsonPatch, JsonPatchError } from '../../src/kube/json-patch.js';
import { applyMergePatch } from '../../src/kube/merge-patch.js';

describe('JSON merge patch (RFC 7386)', () => {
  it('follows the RFC examples', () => {
    expect(applyMergePatch({ a: 'b' }, { a: 'c' })).toEqual({ a: 'c' });
    expect(applyMergePatch({ a: 'b' }, { b: 'c' })).toEqual({ a: 'b', b: 'c' });
    expect(applyMergePatch({ a: 'b' }, { a: null })).toEqual({});
    expect(applyMergePatch({ a: ['b'] }, { a: 'c' })).toEqual({ a: 'c' });
    expect(applyMergePatch({ a: { b: 'c' } }, { a: { b: 'd', c: null } })).toEqual({ a: { b: 'd' } });
    expect(applyMergePatch({ a: [{ b: 'c' }] }, { a: [1] })).toEqual({ a: [1] });
    expect(applyMergePatch({ e: null }, { a: 1 })).toEqual({ e: null, a: 1 });
    expect(applyMergePatch([1, 2], { a: 'b', c: null })).toEqual({ a: 'b' });
    expect(applyMergePatch({}, { a: { bb: { ccc: null } } })).toEqual({ a: { bb: {} } });
  });

  it('does not change its inputs', () => {
    const target = { a: { b: 1 } };
    applyMergePatch(target, { a: { b: 2 } });
    expect(target).toEqual({ a: { b: 1 } });
  });
});

describe('JSON patch (RFC 6902)', () => {
  const doc = { foo: ['bar', 'baz'], obj: { 'a/b': 1, 'm~n': 2 } };

  it('applies add, remove, replace, move, copy and test', () => {
    expect(applyJsonPatch(doc, [{ op: 'add', path: '/foo/1', value: 'qux' }])).toEqual({
      ...doc,
      foo: ['bar', 'qux', 'baz'],
    });
    expect(applyJsonPatch(doc, [{ op: 'add', path: '/foo/-', value: 'end' }])).toMatchObject({
      foo: ['bar', 'baz', 'end'],
    });
    expect(applyJsonPatch(doc, [{ op: 'remove', path: '/obj/a~1b' }])).toEqual({
      foo: doc.foo,
      obj: { 'm~n': 2 },
    });
    expect(applyJsonPatch(doc, [{ op: 'replace', path: '/obj/m~0n', value: 3 }])).toMatchObject({
      obj: { 'm~n': 3 },
    });
    expect(applyJsonPatch(doc, [{ op: 'move', from: '/foo/0', path: '/first' }])).toMatchObject({
      first: 'bar',
      foo: ['baz'],
    });
    expect(applyJsonPatch(doc, [{ op: 'copy', from: '/obj', path: '/copy' }])).toMatchObject({
      copy: doc.obj,
    });
    expect(applyJsonPatch(doc, [{ op: 'test', path: '/obj', value: { 'm~n': 2, 'a/b': 1 } }])).toEqual(doc);
    expect(applyJsonPatch(doc, [{ op: 'replace', path: '', value: 7 }])).toBe(7);
  });

  it('fails naming the operation for missing paths, bad indexes and failed tests', () => {
    const cases: Array<[unknown, RegExp]> = [
      [
        [{ op: 'replace', path: '/nope', value: 1 }],
        /operation 0 \(replace \/nope\): path \/nope does not exist/,
      ],
      [[{ op: 'add', path: '/foo/5', value: 1 }], /index 5 is out of bounds/],
      [[{ op: 'remove', path: '/a/b' }], /"a" does not exist/],
      [[{ op: 'add', path: '/foo/x', value: 1 }], /not an array index/],
      [[{ op: 'test', path: '/foo/0', value: 'nope' }], /value at \/foo\/0 is not "nope"/],
      [[{ op: 'frobnicate', path: '/foo' }], /unknown op "frobnicate"/],
      [[{ op: 'add', path: 'foo', value: 1 }], /must start with "\/"/],
      [{ op: 'add' }, /must be an array/],
    ];
    for (const [patch, message] of cases) expect(() => applyJsonPatch(doc, patch)).toThrow(message);
    expect(() =>
      applyJsonPatch(doc, [
        { op: 'remove', path: '/obj' },
        { op: 'test', path: '/obj', value: 1 },
      ]),
    ).toThrow(JsonPatchError);
  });
});
