import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BUNDLE_BUDGET_GZIP_BYTES } from '../vite.config.js';

// The build already fails over budget (vite.config.ts); this checks what was shipped.
const UI = join(import.meta.dirname, '../dist/ui');
const files = readdirSync(UI, { recursive: true, withFileTypes: true })
  .filter((d) => d.isFile())
  .map((d) => join(d.parentPath, d.name));

describe('the production bundle', () => {
  it('stays within 300 KiB gzip, all files together', () => {
    expect(BUNDLE_BUDGET_GZIP_BYTES).toBe(300 * 1024);
    const total = files.reduce((sum, f) => sum + gzipSync(readFileSync(f), { level: 9 }).length, 0);
    expect(total).toBeGreaterThan(5 * 1024);
    expect(total).toBeLessThanOrEqual(BUNDLE_BUDGET_GZIP_BYTES);
  });

  it('loads hashed assets by relative URL and ships no source maps or inline scripts', () => {
    const html = readFileSync(join(UI, 'index.html'), 'utf8');
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.filter((r) => r.startsWith('./assets/'))).toEqual([
      expect.stringMatching(/^\.\/assets\/index-[\w-]{8}\.js$/),
      expect.stringMatching(/^\.\/assets\/index-[\w-]{8}\.css$/),
    ]);
    expect(refs.every((r) => r.startsWith('./'))).toBe(true);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
  });
});
