import { describe, expect, it } from 'vitest';
import { parseListenAddress } from '../../src/webhook/listen-address.js';

describe('parseListenAddress', () => {
  it.each([
    [':8443', { host: '0.0.0.0', port: 8443 }],
    ['127.0.0.1:0', { host: '127.0.0.1', port: 0 }],
    ['[::]:9995', { host: '::', port: 9995 }],
  ])('%s', (text, expected) => {
    expect(parseListenAddress(text, '--addr')).toEqual(expected);
  });

  it.each(['8443', 'localhost:8443', ':99999', ''])('refuses %j naming the flag', (text) => {
    expect(() => parseListenAddress(text, '--admin-addr')).toThrow(
      /invalid --admin-addr=.*: expected an address such as :8443/,
    );
  });
});
