// Injections per second for the emojivoto deployment, as objects and as YAML text, against the
// floor cost of a YAML parse + stringify of the same document. Runs against the built package:
// `npx turbo run build --filter=@skein/inject && npm run bench -w @skein/inject`.
import { Injector, resolveValues, transformManifests } from '@skein/inject';
import { parse, stringify } from 'yaml';
import { ANCHORS, emojivotoDeployment } from './emojivoto.ts';

function opsPerSecond(name: string, seconds: number, fn: () => void): number {
  const warmUntil = performance.now() + 500;
  while (performance.now() < warmUntil) fn();
  const rates: number[] = [];
  for (let round = 0; round < 5; round++) {
    let n = 0;
    const start = performance.now();
    const end = start + (seconds * 1000) / 5;
    while (performance.now() < end) {
      fn();
      n++;
    }
    rates.push((n * 1000) / (performance.now() - start));
  }
  rates.sort((a, b) => a - b);
  const median = rates[2]!;
  console.log(`${name.padEnd(44)} ${Math.round(median).toLocaleString('en-US').padStart(9)} ops/s`);
  return median;
}

const values = resolveValues([{ identityTrustAnchorsPEM: ANCHORS, linkerdVersion: 'stable' }]).values;
const injector = new Injector({ values });
const deployment = emojivotoDeployment();
const text = stringify(deployment);

const object = opsPerSecond('inject (object + JSON patch)', 3, () => {
  injector.inject(deployment);
});
const webhook = new Injector({ values, origin: 'webhook' });
const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { namespace: 'emojivoto' },
  spec: (deployment.spec as { template: { spec: unknown } }).template.spec,
};
opsPerSecond('inject pod, webhook origin, ns inheritance', 3, () => {
  webhook.inject(pod, { namespace: 'emojivoto', namespaceAnnotations: { 'linkerd.io/inject': 'enabled' } });
});
const yaml = opsPerSecond('skein inject --manual (YAML in, YAML out)', 3, () => {
  transformManifests(text, { injector, mode: 'manual' });
});
const floor = opsPerSecond('peer: YAML parse + stringify only', 3, () => {
  stringify(parse(text));
});
console.log(`\ntarget ≥ 5,000 injections/s: object form ${object >= 5000 ? 'met' : 'NOT met'}`);
console.log(`YAML path costs ${(floor / yaml).toFixed(1)}× a bare YAML round trip of the same document`);
