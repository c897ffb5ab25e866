import { createHash } from 'node:crypto';
import { generateIssuer, generateTrustAnchor } from '@skein/identity';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { HELM_SUBSTITUTIONS, helmChart } from '../src/helm/helm-chart.js';
import { generateWebhookCertificate } from '../src/identity/webhook-certificate.js';
import type { KubeObject } from '../src/render/kube-types.js';
import { renderControlPlane } from '../src/render/render-control-plane.js';
import { resolveInstallConfig } from '../src/values/install-config.js';
import { validateObjects } from './support/validate-objects.js';

// Helm is not installed here: the test evaluates exactly the template expressions the generator
// writes (and fails on any other), standing in for `helm template` with the chart's functions
// (genCA/genSignedCert are replaced by certificates made the same way the renderer makes them).
const anchor = generateTrustAnchor({ commonName: 'root.linkerd.cluster.local' });
const issuer = generateIssuer(anchor, { namespace: 'mesh' });
const injector = generateWebhookCertificate('linkerd-proxy-injector', 'mesh');
const validator = generateWebhookCertificate('linkerd-sp-validator', 'mesh');
const release = {
  namespace: 'mesh',
  registry: 'registry.example/skein',
  controlPlaneVersion: '9.9.9',
  controllerReplicas: 2,
  controllerLogLevel: 'debug',
  webhookFailurePolicy: 'Ignore',
  heartbeatSchedule: '5 4 * * *',
};
const b64 = (s: string) => Buffer.from(s).toString('base64');

const evaluations: Record<string, string> = {
  '{{"{{"}}': '{{',
  '{{ .Release.Namespace | quote }}': JSON.stringify(release.namespace),
  '{{ .Values.controlPlaneVersion | default .Chart.AppVersion | quote }}': JSON.stringify(
    release.controlPlaneVersion,
  ),
  '{{ .Release.Namespace }}': release.namespace,
  '{{ .Values.controlPlaneVersion | default .Chart.AppVersion }}': release.controlPlaneVersion,
  '{{ .Values.registry }}': release.registry,
  '{{ .Values.controllerLogLevel }}': release.controllerLogLevel,
  '{{ .Values.webhookFailurePolicy }}': release.webhookFailurePolicy,
  '{{ .Values.controllerReplicas }}': String(release.controllerReplicas),
  '{{ .Values.heartbeatSchedule }}': release.heartbeatSchedule,
  '{{ .Values.identityTrustAnchorsPEM | sha256sum }}': createHash('sha256')
    .update(anchor.certificatePem)
    .digest('hex'),
  '{{ required "identityTrustAnchorsPEM is required" .Values.identityTrustAnchorsPEM | toJson }}':
    JSON.stringify(anchor.certificatePem),
  '{{ required "identity.issuer.tls.crtPEM is required" .Values.identity.issuer.tls.crtPEM | b64enc }}': b64(
    issuer.certificatePem,
  ),
  '{{ required "identity.issuer.tls.keyPEM is required" .Values.identity.issuer.tls.keyPEM | b64enc }}': b64(
    issuer.keyPem,
  ),
  '{{ $injector.Cert | b64enc }}': b64(injector.crtPEM),
  '{{ $injector.Key | b64enc }}': b64(injector.keyPEM),
  '{{ $injectorCa.Cert | b64enc }}': b64(injector.caBundle),
  '{{ $validator.Cert | b64enc }}': b64(validator.crtPEM),
  '{{ $validator.Key | b64enc }}': b64(validator.keyPEM),
  '{{ $validatorCa.Cert | b64enc }}': b64(validator.caBundle),
};

/** Evaluates the chart's templates for `release` (the subset of Helm the generator uses). */
function helmTemplate(files: Record<string, string>): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const [path, body] of Object.entries(files)) {
    if (!path.startsWith('templates/')) continue;
    let text = body.replace(/^\{\{- \$[a-zA-Z]+ := .*\}\}\n/gm, '');
    text = text.replace(/^\{\{- if \.Values\.installNamespace \}\}\n/m, '').replace(/\{\{- end \}\}\n$/m, '');
    text = text.replace(/\{\{[^}]*\}\}/g, (expr) => {
      const value = evaluations[expr];
      if (value === undefined) throw new Error(`${path}: unexpected template expression ${expr}`);
      return value;
    });
    for (const doc of parseAllDocuments(text)) {
      const o = doc.toJS() as KubeObject | null;
      if (o !== null) objects.push(o);
    }
  }
  return objects;
}

const key = (o: KubeObject) => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;

describe('helmChart', () => {
  const files = helmChart({ version: '0.1.0' });

  it('writes Chart.yaml, values.yaml, the CRDs and the templates', () => {
    expect(parse(files['Chart.yaml']!)).toMatchObject({
      apiVersion: 'v2',
      name: 'skein-control-plane',
      version: '0.1.0',
    });
    expect(parse(files['values.yaml']!)).toMatchObject({
      registry: 'ghcr.io/skein-mesh',
      webhookFailurePolicy: 'Ignore',
    });
    expect(Object.keys(files).filter((f) => f.startsWith('crds/'))).toHaveLength(10);
    expect(Object.keys(files)).toContain('templates/webhooks.yaml');
    expect(files['templates/webhooks.yaml']).toContain(
      'genSignedCert $injectorName nil (list $injectorName) 365 $injectorCa',
    );
    for (const [placeholder] of HELM_SUBSTITUTIONS) {
      for (const [path, text] of Object.entries(files))
        expect(text, `${path} still holds ${placeholder}`).not.toContain(placeholder);
    }
  });

  it('renders, with its values, exactly what skein install renders with the same settings', async () => {
    const rendered = helmTemplate(files);
    expect(await validateObjects(rendered)).toEqual([]);
    const expected = renderControlPlane(
      resolveInstallConfig({
        namespace: release.namespace,
        version: release.controlPlaneVersion,
        values: [
          {
            skein: { registry: release.registry },
            controllerReplicas: release.controllerReplicas,
            controllerLogLevel: release.controllerLogLevel,
            heartbeatSchedule: release.heartbeatSchedule,
          },
        ],
        identity: {
          trustAnchorsPem: anchor.certificatePem,
          issuerCertificatePem: issuer.certificatePem,
          issuerKeyPem: issuer.keyPem,
        },
        webhookCertificates: { proxyInjector: injector, profileValidator: validator },
      }),
    ).filter((o) => o.metadata?.name !== 'linkerd-config-overrides');
    expect(rendered.map(key).sort()).toEqual(expected.map(key).sort());
    for (const want of expected) {
      const got = rendered.find((o) => key(o) === key(want))!;
      if (want.metadata?.name === 'linkerd-config') {
        // Same values; the chart writes the anchors last, as a JSON string.
        const values = (o: KubeObject) =>
          parse((o.data as { values: string }).values) as Record<string, unknown>;
        expect(values(got)).toEqual(values(want));
        expect({ ...got, data: {} }).toEqual({ ...want, data: {} });
      } else {
        expect(got, key(want)).toEqual(want);
      }
    }
  });
});
