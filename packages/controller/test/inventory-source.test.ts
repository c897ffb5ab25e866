import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadInventorySource } from '../src/index.js';

describe('loadInventorySource', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skein-inventory-source-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a static inventory and discovery file, with a tap policy from the user list', async () => {
    const inventoryFile = join(dir, 'inventory.yaml');
    const discoveryFile = join(dir, 'discovery.yaml');
    writeFileSync(
      inventoryFile,
      'pods:\n  - { name: web-0, namespace: demo, ip: 127.0.0.2, owner: deployment/web }\n',
    );
    writeFileSync(
      discoveryFile,
      'services:\n  - name: api\n    namespace: demo\n    ports: [80]\n    endpoints: [ { ip: 127.0.0.5, pod: api-0, labels: { deployment: api } } ]\n',
    );
    const { inventory, policy } = await loadInventorySource({
      inventoryFile,
      discoveryFile,
      tapAllowUsers: ['alice'],
    });
    expect((await inventory.pods('demo')).map((p) => p.name).sort()).toEqual(['api-0', 'web-0']);
    const target = { kind: 'deployment', namespace: 'demo', name: 'web' } as const;
    await expect(policy.allowed({ user: 'alice', groups: [] }, target)).resolves.toBe(true);
    await expect(policy.allowed({ user: 'mallory', groups: [] }, target)).resolves.toBe(false);
  });

  it('rejects naming the file it cannot read', async () => {
    const missing = join(dir, 'no-such-inventory.yaml');
    await expect(loadInventorySource({ inventoryFile: missing, tapAllowUsers: [] })).rejects.toThrow(
      /no-such-inventory\.yaml/,
    );
  });
});
