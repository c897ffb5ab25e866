import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_DIR, structuralDocuments } from './corpus.js';
import { runSkein, SKEIN_BIN } from './run-skein.js';

let dir: string;
const anchors = join(CORPUS_DIR, 'trust-anchors.pem');
const pod = readFileSync(join(CORPUS_DIR, 'input/inject_emojivoto_pod.input.yml'), 'utf8');
const deployment = readFileSync(join(CORPUS_DIR, 'input/inject_emojivoto_deployment.input.yml'), 'utf8');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'skein-cli-'));
  mkdirSync(join(dir, 'manifests', 'db'), { recursive: true });
  writeFileSync(join(dir, 'manifests', 'web.yaml'), deployment);
  writeFileSync(join(dir, 'manifests', 'db', 'pod.yml'), pod);
  writeFileSync(join(dir, 'manifests', 'README.md'), '# not a manifest\n');
  cpSync(anchors, join(dir, 'ca.pem'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('skein inject', () => {
  it('reads standard input with -', async () => {
    const run = await runSkein(['inject', '-'], pod);
    expect(run.code).toBe(0);
    const [doc] = structuralDocuments(run.stdout) as { metadata: { annotations: Record<string, string> } }[];
    expect(doc!.metadata.annotations).toEqual({ 'linkerd.io/inject': 'enabled' });
    expect(run.stderr).toContain('pod "vote-bot" annotated');
  });

  it('walks a directory, injecting every manifest with Skein defaults', async () => {
    const run = await runSkein([
      'inject',
      '--manual',
      '--set-file',
      `identityTrustAnchorsPEM=${join(dir, 'ca.pem')}`,
      join(dir, 'manifests'),
    ]);
    expect(run.code, run.stderr).toBe(0);
    const docs = structuralDocuments(run.stdout) as { kind: string; spec: unknown }[];
    expect(docs.map((d) => d.kind)).toEqual(['Pod', 'Deployment']);
    expect(run.stdout).toContain('image: ghcr.io/skein-mesh/proxy:linkerdVersionValue');
    expect(run.stderr).toMatch(/pod "vote-bot" injected[\s\S]*deployment "web" injected/);
  });

  it('writes JSON with -o json', async () => {
    const run = await runSkein(['inject', '-o', 'json', '--proxy-log-level', 'debug', '-'], pod);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).metadata.annotations).toEqual({
      'linkerd.io/inject': 'enabled',
      'config.linkerd.io/proxy-log-level': 'debug',
    });
  });

  it('accepts Linkerd boolean spellings and negations', async () => {
    type Meta = { metadata: { annotations: Record<string, string> } };
    const on = await runSkein(['inject', '--ingress=true', '-'], pod);
    expect((structuralDocuments(on.stdout)[0] as Meta).metadata.annotations['linkerd.io/inject']).toBe(
      'ingress',
    );
    const off = await runSkein(['inject', '--native-sidecar=false', '-'], pod);
    expect(
      (structuralDocuments(off.stdout)[0] as Meta).metadata.annotations[
        'config.linkerd.io/proxy-enable-native-sidecar'
      ],
    ).toBe('false');
  });

  it.each<[string, string[], RegExp]>([
    [
      'a bad flag value, naming the flag',
      ['inject', '--admin-port', 'http', '-'],
      /invalid value --admin-port="http": expected a port number 1-65535/,
    ],
    [
      'a bad --set',
      ['inject', '--set', 'proxy.logLevel', '-'],
      /invalid --set "proxy\.logLevel": .* has no "="/,
    ],
    [
      'a bad value type in --set',
      ['inject', '--set', 'proxy.ports.admin=http', '-'],
      /invalid value proxy\.ports\.admin="http"/,
    ],
    [
      'a missing values file',
      ['inject', '--values', '/nonexistent/values.yaml', '-'],
      /cannot read --values \/nonexistent\/values\.yaml: ENOENT/,
    ],
    ['a missing input', ['inject', '/nonexistent/app.yaml'], /cannot read \/nonexistent\/app\.yaml: ENOENT/],
    ['--manual without trust anchors', ['inject', '--manual', '-'], /--manual needs the trust anchors/],
    ['an unknown flag', ['inject', '--no-such-flag', '-'], /unknown option '--no-such-flag'/],
  ])('exits 1 on %s', async (_what, args, message) => {
    const run = await runSkein(args, pod);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(message);
  });
});

describe('skein uninject', () => {
  it('removes what inject --manual added', async () => {
    const injected = await runSkein(
      ['inject', '--manual', '--set-file', `identityTrustAnchorsPEM=${anchors}`, '-'],
      deployment,
    );
    const back = await runSkein(['uninject', '-'], injected.stdout);
    expect(back.code).toBe(0);
    expect(structuralDocuments(back.stdout)).toEqual(structuralDocuments(deployment));
    expect(back.stderr).toContain('deployment "web" uninjected');
  });
});

describe('skein writing into a closed pipe', () => {
  it('stops quietly (exit 0, nothing on stderr) when the reader goes away, as `| head` does', async () => {
    const child = spawn(process.execPath, [SKEIN_BIN, 'install', '--ignore-cluster'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    // Read the first chunk only, then close our end, as `head -1` would.
    await once(child.stdout, 'data');
    child.stdout.destroy();
    const [code] = (await once(child, 'close')) as [number | null];
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
