import { describe, expect, it } from 'vitest';
import { type Layer, type Service, stack } from '../../src/index.js';

const tag =
  (name: string): Layer<string[], string[]> =>
  (inner) =>
  async (req) => {
    const res = await inner([...req, `${name}>`]);
    return [...res, `<${name}`];
  };

describe('stack', () => {
  it('composes bottom-up: the last pushed layer is outermost', async () => {
    const base: Service<string[], string[]> = async (req) => [...req, 'base'];
    const svc = stack(base).push(tag('a')).push(tag('b')).service();
    expect(await svc([])).toEqual(['b>', 'a>', 'base', '<a', '<b']);
  });

  it('pushIf skips a layer when the condition is false', async () => {
    const base: Service<string[], string[]> = async (req) => req;
    expect(await stack(base).pushIf(false, tag('x')).service()([])).toEqual([]);
    expect(await stack(base).pushIf(true, tag('x')).service()([])).toEqual(['x>', '<x']);
  });

  it('lets a layer change the request and response types', async () => {
    const base: Service<number, number> = async (n) => n * 2;
    const parse: Layer<number, number, string, string> = (inner) => async (s) =>
      String(await inner(Number(s)));
    expect(await stack(base).push(parse).service()('21')).toBe('42');
  });
});
