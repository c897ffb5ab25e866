import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localMeshStatePath as controllerStatePath, writeLocalMeshState } from '@skein/controller';
import { afterAll, describe, expect, it } from 'vitest';
import {
  advertisedController,
  controllerUrl,
  localMeshStatePath,
  readAdvertisedController,
} from '../src/server/controller-target.js';

const dir = mkdtempSync(join(tmpdir(), 'skein-web-target-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fallback = { url: 'http://127.0.0.1:8085', origin: 'the default' };

describe('finding the controller', () => {
  it('looks where skein-controller advertises itself', () => {
    for (const env of [{ XDG_RUNTIME_DIR: '/run/user/1000' }, {}, { XDG_RUNTIME_DIR: '' }]) {
      expect(localMeshStatePath(env, '/home/u')).toBe(controllerStatePath(env, '/home/u'));
    }
  });

  it('reads the state skein-controller writes, and ignores it once its process is gone', async () => {
    const path = join(dir, 'live', 'mesh.json');
    await writeLocalMeshState(path, { apiAddr: '127.0.0.1:40001', pid: process.pid, startedAt: 'now' });
    expect(await readAdvertisedController(path)).toBe('127.0.0.1:40001');
    const locate = advertisedController(path, fallback, 0);
    expect(await locate()).toEqual({ url: 'http://127.0.0.1:40001', origin: `the local mesh (${path})` });
    // A pid that cannot exist (above the kernel's pid_max).
    await writeLocalMeshState(path, { apiAddr: '127.0.0.1:40002', pid: 2 ** 30, startedAt: 'then' });
    expect(await locate()).toEqual(fallback);
    writeFileSync(path, '{not json');
    expect(await locate()).toEqual(fallback);
    expect(await readAdvertisedController(join(dir, 'missing.json'))).toBeUndefined();
  });

  it('reads the file again only after the cache period', async () => {
    const path = join(dir, 'cached', 'mesh.json');
    const locate = advertisedController(path, fallback, 60_000);
    expect(await locate()).toEqual(fallback);
    await writeLocalMeshState(path, { apiAddr: '127.0.0.1:40003', pid: process.pid, startedAt: 'now' });
    expect(await locate()).toEqual(fallback);
    expect((await advertisedController(path, fallback, 60_000)()).url).toBe('http://127.0.0.1:40003');
  });

  it('turns host:port or a URL into a base URL', () => {
    expect(controllerUrl('127.0.0.1:8085')).toBe('http://127.0.0.1:8085');
    expect(controllerUrl('https://k8s.example/api/v1/proxy/')).toBe('https://k8s.example/api/v1/proxy');
  });
});
