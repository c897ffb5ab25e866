import { ConfigError } from '@skein/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SOAK_OPTIONS, readSoakCommand } from '../../src/soak/soak-options.ts';

describe('readSoakCommand', () => {
  it("defaults to the issue's soak: 10 minutes at 2,000 rps, 20% warm-up, 5% and 50 ms limits", () => {
    const { options } = readSoakCommand([], {});
    expect(options).toEqual(DEFAULT_SOAK_OPTIONS);
    expect(options).toMatchObject({
      durationMs: 600_000,
      rps: 2000,
      warmupFraction: 0.2,
      maxRssGrowthPct: 5,
      maxAddedMaxLatencyMs: 50,
    });
  });

  it('takes flags before SKEIN_SOAK_* variables', () => {
    const { options, jsonFile } = readSoakCommand(['--duration', '60s', '--json', 'r.json'], {
      SKEIN_SOAK_DURATION: '5m',
      SKEIN_SOAK_RPS: '500',
      SKEIN_SOAK_HEAP: '1',
    });
    expect(options.durationMs).toBe(60_000);
    expect(options.rps).toBe(500);
    expect(options.heap).toBe(true);
    expect(jsonFile).toBe('r.json');
  });

  it('names every bad flag or variable, the value seen and the expected form', () => {
    let error: unknown;
    try {
      readSoakCommand(['--rps', 'fast', '--warmup', '1.5'], { SKEIN_SOAK_DURATION: '10 minutes' });
    } catch (err) {
      error = err;
    }
    const message = (error as Error).message;
    expect(message).toContain('3 configuration settings are invalid');
    expect(message).toContain('invalid --rps="fast": expected an integer from 1 to 50000');
    expect(message).toContain('invalid --warmup="1.5": expected a fraction of the run from 0 to 0.9');
    expect(message).toContain('invalid SKEIN_SOAK_DURATION="10 minutes"');
  });

  it('refuses unknown flags and a proxy entry point that does not exist', () => {
    expect(() => readSoakCommand(['--rate', '10'], {})).toThrow(ConfigError);
    expect(() => readSoakCommand(['--proxy-bin', '/nonexistent/main.js'], {})).toThrow(
      /--proxy-bin="\/nonexistent\/main.js": expected the path of an existing skein-proxy main.js/,
    );
  });
});
