import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/index.js';
import { parseGoDuration } from '../../src/service-profile/go-duration.js';

describe('parseGoDuration', () => {
  it.each([
    ['0', 0n],
    ['300ms', 300_000_000n],
    ['1.5h', 5_400_000_000_000n],
    ['2h45m', 9_900_000_000_000n],
    ['-1s', -1_000_000_000n],
    ['+10s', 10_000_000_000n],
    ['1us', 1_000n],
    ['1µs', 1_000n], // U+00B5 MICRO SIGN
    ['1\u03BCs', 1_000n], // U+03BC GREEK SMALL LETTER MU, as Go accepts
    ['.5s', 500_000_000n],
    ['1.s', 1_000_000_000n],
    ['10ns', 10n],
  ])('%s', (text, ns) => {
    expect(parseGoDuration(text)).toBe(ns);
  });

  it.each(['', '10', 's', '1x', '1 s', '1.5', '.s', '-', '9999999999999999999h'])('refuses %j', (bad) => {
    expect(() => parseGoDuration(bad, 'spec.routes[0].timeout')).toThrow(ConfigError);
    expect(() => parseGoDuration(bad, 'spec.routes[0].timeout')).toThrow(
      /spec\.routes\[0\]\.timeout.*Go duration/,
    );
  });
});
