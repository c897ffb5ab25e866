import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { normalizeWorkload } from '../../src/k8s/normalize.js';
import type { KubeObject } from '../../src/k8s/types.js';
import { transformManifests } from '../../src/stream/transform-manifests.js';
import { Injector } from '../../src/transform/injector.js';
import { uninjectObject } from '../../src/transform/uninject.js';
import { testValues } from '../fixtures.js';
import { workload } from './arbitraries.js';

const configs = [
  testValues(),
  testValues({ proxy: { nativeSidecar: false } }),
  testValues({ cniEnabled: true, proxy: { await: false, nativeSidecar: false } }),
];

describe('inject then uninject', () => {
  it('is the identity on valid workloads', () => {
    fc.assert(
      fc.property(workload, fc.constantFrom(...configs), fc.boolean(), (obj, values, debug) => {
        const injector = new Injector({ values });
        const annotations: Record<string, string> = debug
          ? { 'config.linkerd.io/enable-debug-sidecar': 'true' }
          : {};
        const injected = injector.inject(obj, { annotations });
        expect(injected.report.outcome).toBe('injected');
        const back = normalizeWorkload(uninjectObject(injected.object).object as KubeObject);
        if (debug) {
          // Linkerd keeps config.linkerd.io/* annotations on uninject; drop the one this run added.
          const withMeta = (back.kind === 'Pod' ? back : findTemplate(back)) as {
            metadata?: { annotations?: Record<string, string> };
          };
          delete withMeta.metadata!.annotations!['config.linkerd.io/enable-debug-sidecar'];
          expect(normalizeWorkload(back)).toEqual(obj);
          return;
        }
        expect(back).toEqual(obj);
      }),
      { numRuns: 300 },
    );
    // Hundreds of generated workloads: seconds on an idle machine, more on a busy CI runner.
  }, 120_000);

  it('is the identity through the YAML stream (manual inject, then uninject)', () => {
    const injector = new Injector({ values: configs[0] });
    fc.assert(
      fc.property(fc.array(workload, { minLength: 1, maxLength: 3 }), (objs) => {
        const text = objs.map((o) => `${stringify(o)}---\n`).join('');
        const injected = transformManifests(text, { injector, mode: 'manual' });
        expect(injected.errors).toEqual([]);
        const back = transformManifests(injected.output, { injector, mode: 'uninject' });
        const docs = back.output.split(/^---\n/m).filter((d) => d.trim() !== '');
        expect(docs.length).toBe(objs.length);
        expect(transformManifests(back.output, { injector, mode: 'uninject' }).output).toBe(back.output);
      }),
      { numRuns: 50 },
    );
  }, 120_000);
});

function findTemplate(obj: KubeObject): unknown {
  const spec = obj.spec as Record<string, unknown>;
  if (obj.kind === 'CronJob')
    return ((spec.jobTemplate as Record<string, unknown>).spec as Record<string, unknown>).template;
  return spec.template;
}
