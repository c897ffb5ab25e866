// Injects manifests from stdin with the example mutators: `node src/main.ts < app.yaml`.
import { text } from 'node:stream/consumers';
import { formatReport, Injector, resolveValues, transformManifests } from '@skein/inject';
import { proxyResourcesByTier, teamAnnotation } from './mutators.ts';

const anchors = process.env.TRUST_ANCHORS_PEM;
if (anchors === undefined || anchors === '') {
  process.stderr.write('set TRUST_ANCHORS_PEM to the PEM trust anchors of the mesh\n');
  process.exit(2);
}
const injector = new Injector({
  values: resolveValues([{ identityTrustAnchorsPEM: anchors }]).values,
  mutators: [
    teamAnnotation({ shop: 'checkout-team', search: 'discovery-team' }),
    proxyResourcesByTier({
      critical: { cpu: '200m', memory: '128Mi' },
      batch: { cpu: '20m', memory: '32Mi' },
    }),
  ],
});
const result = transformManifests(await text(process.stdin), { injector, mode: 'manual' });
process.stdout.write(result.output);
process.stderr.write(formatReport(result.reports, result.errors));
process.exitCode = result.errors.length > 0 ? 1 : 0;
