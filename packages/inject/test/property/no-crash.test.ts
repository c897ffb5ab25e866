import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { transformManifests } from '../../src/stream/transform-manifests.js';
import { Injector } from '../../src/transform/injector.js';
import { uninjectObject } from '../../src/transform/uninject.js';
import { testValues } from '../fixtures.js';

const cli = new Injector({ values: testValues() });
const webhook = new Injector({ values: testValues(), origin: 'webhook' });

/** Objects that look like workloads but carry anything anywhere. */
const workloadLike = fc.record({
  kind: fc.constantFrom('Pod', 'Deployment', 'CronJob', 'Namespace', 'Service', 'List', 'Job', ''),
  metadata: fc.oneof(
    fc.jsonValue(),
    fc.record({ annotations: fc.jsonValue(), labels: fc.jsonValue(), ownerReferences: fc.jsonValue() }),
  ),
  spec: fc.oneof(
    fc.jsonValue(),
    fc.record({
      template: fc.oneof(fc.jsonValue(), fc.record({ metadata: fc.jsonValue(), spec: fc.jsonValue() })),
      containers: fc.jsonValue(),
      ports: fc.jsonValue(),
      jobTemplate: fc.jsonValue(),
    }),
  ),
});

describe('no input crashes the transform', () => {
  it.each([
    { kind: 'Pod', metadata: { annotations: null, labels: {}, ownerReferences: [null] }, spec: {} },
    { kind: 'Namespace', metadata: { annotations: [''], labels: 0 } },
  ])('found by the property below: %j', (input) => {
    expect(['injected', 'annotated']).toContain(
      webhook.inject(input, { namespaceAnnotations: { 'linkerd.io/inject': 'enabled' } }).report.outcome,
    );
  });

  it('inject returns a report with a reason for any JSON value', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), workloadLike), fc.boolean(), (input, annotate) => {
        for (const injector of [cli, webhook]) {
          const r = injector.inject(input, {
            annotate,
            namespaceAnnotations: { 'linkerd.io/inject': 'enabled' },
          });
          expect(['injected', 'annotated', 'skipped', 'failed']).toContain(r.report.outcome);
          if (r.report.outcome === 'skipped' || r.report.outcome === 'failed') {
            expect(r.report.reasons.length).toBeGreaterThan(0);
            expect(r.report.reasons[0]!.message).not.toBe('');
          }
          injector.opaquePorts(input, {});
        }
        uninjectObject(input);
      }),
      { numRuns: 2000 },
    );
  });

  it('the stream transform never throws on arbitrary text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (text) => {
          const r = transformManifests(text, { injector: cli, mode: 'manual' });
          expect(typeof r.output).toBe('string');
        },
      ),
      { numRuns: 1000 },
    );
  });
});
