import { describe, expect, it } from 'vitest';
import { SetArgumentError } from '../../src/errors.js';
import { parseSetArguments } from '../../src/values/set-argument.js';

describe('parseSetArguments', () => {
  it('types values as Helm does', () => {
    expect(
      parseSetArguments([
        'a.b=valueA',
        'a.c=3.14',
        'a.d=true',
        'a.e=FALSE',
        'a.f=12',
        'a.g=0',
        'a.h=0755',
        'a.i=null',
        'a.j=-3',
      ]),
    ).toEqual({ a: { b: 'valueA', c: '3.14', d: true, e: false, f: 12, g: 0, h: '0755', i: null, j: -3 } });
  });

  it('splits pairs on commas and honours escapes, lists and indices', () => {
    expect(
      parseSetArguments(['x=1,y=two', 'ports=25\\,587', 'dotted\\.key=v', 'list={a,b}', 'env[1].name=X']),
    ).toEqual({
      x: 1,
      y: 'two',
      ports: '25,587',
      'dotted.key': 'v',
      list: ['a', 'b'],
      env: [null, { name: 'X' }],
    });
  });

  it('merges arguments into one tree, later wins', () => {
    expect(
      parseSetArguments(['proxy.inbound.s.p.a=1', 'proxy.inbound.s.p.b=2', 'proxy.inbound.s.p.a=3']),
    ).toEqual({
      proxy: { inbound: { s: { p: { a: 3, b: 2 } } } },
    });
  });

  it.each(['novalue', '=x', 'a..b=1'])('refuses %j with the expected form', (arg) => {
    expect(() => parseSetArguments([arg])).toThrow(SetArgumentError);
    expect(() => parseSetArguments([arg])).toThrow(/expected path=value/);
  });
});
