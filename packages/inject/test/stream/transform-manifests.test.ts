import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { formatReport } from '../../src/report/format-report.js';
import { readManifestInputs } from '../../src/stream/manifest-files.js';
import { transformManifests } from '../../src/stream/transform-manifests.js';
import { Injector } from '../../src/transform/injector.js';
import { emojivotoDeployment, testValues } from '../fixtures.js';

const injector = new Injector({ values: testValues() });
const docs = (text: string) =>
  (parseAllDocuments(text) as { toJS(): unknown }[]).map((d) => d.toJS()).filter((d) => d !== null);

describe('transformManifests', () => {
  it('injects, then uninjects back to the original', () => {
    const input = stringify(emojivotoDeployment());
    const injected = transformManifests(input, { injector, mode: 'manual' });
    expect(injected.errors).toEqual([]);
    expect(injected.reports.map((r) => r.outcome)).toEqual(['injected']);
    const back = transformManifests(injected.output, { injector, mode: 'uninject' });
    expect(back.reports.map((r) => r.outcome)).toEqual(['uninjected']);
    expect(docs(back.output)).toEqual([emojivotoDeployment()]);
  });

  it('is idempotent in manual mode (it uninjects first)', () => {
    const once = transformManifests(stringify(emojivotoDeployment()), { injector, mode: 'manual' }).output;
    expect(transformManifests(once, { injector, mode: 'manual' }).output).toBe(once);
  });

  it('keeps untouched documents as written and reports each', () => {
    const input =
      '# a comment\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  z: "1"\n  a: "2"\n---\n';
    const r = transformManifests(input, { injector, mode: 'manual' });
    expect(r.output).toBe(`${input}`);
    expect(r.reports).toMatchObject([{ kind: 'configmap', outcome: 'skipped' }]);
  });

  it('leaves out what it cannot handle, with errors naming the document or workload', () => {
    const host = emojivotoDeployment();
    (host.spec as { template: { spec: Record<string, unknown> } }).template.spec.hostNetwork = true;
    (host.metadata as Record<string, unknown>).name = 'host';
    const input = `${stringify(emojivotoDeployment())}---\n${stringify(host)}---\nkey: [unclosed\n---\n- just\n- a list\n`;
    const r = transformManifests(input, { injector, mode: 'manual', source: 'app.yaml' });
    expect(docs(r.output)).toHaveLength(1);
    expect(r.errors).toEqual([
      'failed to inject deployment/host: hostNetwork is enabled',
      expect.stringMatching(/^app\.yaml: document 3: /),
      'failed to inject unknown: not a Kubernetes object: expected a mapping with a "kind"',
    ]);
  });

  it('handles Lists item by item and fails the whole List when an item fails', () => {
    const list = { apiVersion: 'v1', kind: 'List', items: [emojivotoDeployment(), emojivotoDeployment()] };
    const r = transformManifests(stringify(list), { injector, mode: 'manual' });
    const [out] = docs(r.output) as { items: unknown[]; metadata: unknown }[];
    expect(out!.items).toHaveLength(2);
    expect(out!.metadata).toEqual({});
    expect(r.reports).toHaveLength(2);
    const bad = structuredClone(list);
    (bad.items[1]!.spec as { template: { spec: Record<string, unknown> } }).template.spec.hostNetwork = true;
    const failed = transformManifests(stringify(bad), { injector, mode: 'manual' });
    expect(failed.output).toBe('');
    expect(failed.errors).toHaveLength(1);
  });

  it('writes JSON when asked', () => {
    const r = transformManifests(JSON.stringify(emojivotoDeployment()), {
      injector,
      mode: 'annotate',
      format: 'json',
    });
    const parsed = JSON.parse(r.output) as {
      spec: { template: { metadata: { annotations: Record<string, string> } } };
    };
    expect(parsed.spec.template.metadata.annotations).toEqual({ 'linkerd.io/inject': 'enabled' });
  });

  it('formats a report with warnings, outcomes and errors', () => {
    const text = formatReport(
      [
        {
          kind: 'deployment',
          name: 'web',
          namespace: 'e',
          outcome: 'injected',
          reasons: [],
          warnings: ['UDP port(s) configured on pod spec'],
        },
        {
          kind: 'deployment',
          name: 'db',
          namespace: 'e',
          outcome: 'skipped',
          reasons: [
            {
              code: 'injection_disable_annotation_present',
              message: 'pod has the annotation "linkerd.io/inject:disabled"',
            },
          ],
          warnings: [],
        },
      ],
      ['failed to inject deployment/x: hostNetwork is enabled'],
    );
    expect(text).toBe(
      '\n‼ deployment "web": UDP port(s) configured on pod spec\n\ndeployment "web" injected\n' +
        'deployment "db" skipped: pod has the annotation "linkerd.io/inject:disabled"\n\n' +
        'Error transforming resources:\nfailed to inject deployment/x: hostNetwork is enabled\n',
    );
  });
});

describe('readManifestInputs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skein-inject-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('walks a directory in name order, taking YAML and JSON files', async () => {
    mkdirSync(join(dir, 'db'));
    writeFileSync(join(dir, 'web.yaml'), 'kind: A\n');
    writeFileSync(join(dir, 'db', 'redis.yml'), 'kind: B\n');
    writeFileSync(join(dir, 'api.json'), '{"kind":"C"}');
    writeFileSync(join(dir, 'notes.txt'), 'not a manifest');
    const inputs = await readManifestInputs(dir);
    expect(inputs.map((i) => i.source)).toEqual([
      join(dir, 'api.json'),
      join(dir, 'db', 'redis.yml'),
      join(dir, 'web.yaml'),
    ]);
    expect((await readManifestInputs(join(dir, 'web.yaml')))[0]!.text).toBe('kind: A\n');
    await expect(readManifestInputs(join(dir, 'missing'))).rejects.toThrow(/missing/);
  });
});

describe('List metadata', () => {
  it('is written back without empty fields, as Linkerd re-encodes it', () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      metadata: { resourceVersion: '', selfLink: '' },
      items: [emojivotoDeployment()],
    };
    const r = transformManifests(stringify(list), { injector, mode: 'manual' });
    expect((docs(r.output)[0] as { metadata: unknown }).metadata).toEqual({});
  });
});
