import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@skein/core';
import { waitFor } from '@skein/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type StaticDiscovery, watchStaticDiscoveryFile } from '../src/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'skein-discovery-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const file = (ip: string) => `authorities: { "web:80": { endpoints: [{ address: "${ip}:80" }] } }`;
const ips = (d: StaticDiscovery) => d.authorities.get('web:80')?.endpoints.map((e) => e.ip);

describe('watchStaticDiscoveryFile', () => {
  it('emits the file, each good change, and skips changes that do not parse', async () => {
    const path = join(dir, 'disco.yaml');
    writeFileSync(path, file('10.0.0.1'));
    const seen: Array<string[] | undefined> = [];
    const sub = watchStaticDiscoveryFile(path, { intervalMs: 10 }).subscribe((d) => seen.push(ips(d)));
    expect(seen).toEqual([['10.0.0.1']]);
    // mtime has a coarse granularity on some file systems: make each write visibly newer.
    await new Promise((r) => setTimeout(r, 30));
    writeFileSync(path, 'authorities: [broken');
    await new Promise((r) => setTimeout(r, 60));
    writeFileSync(path, file('10.0.0.2'));
    await waitFor(() => seen.length === 2, { what: 'the reloaded file' });
    sub.unsubscribe();
    expect(seen).toEqual([['10.0.0.1'], ['10.0.0.2']]);
  });

  it('fails the subscription when the file is missing or invalid at the start', () => {
    const errors: unknown[] = [];
    watchStaticDiscoveryFile(join(dir, 'missing.yaml')).subscribe({ error: (e) => errors.push(e) });
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'authorities: { "x y": {} }');
    watchStaticDiscoveryFile(bad).subscribe({ error: (e) => errors.push(e) });
    expect((errors[0] as NodeJS.ErrnoException).code).toBe('ENOENT');
    expect(errors[1]).toBeInstanceOf(ConfigError);
    expect((errors[1] as Error).message).toContain(bad);
  });
});
