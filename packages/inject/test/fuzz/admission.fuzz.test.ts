import https from 'node:https';
import { ServiceProfileError, validateServiceProfile } from '@skein/core';
import { expectTyped, FuzzSuite, selfSignedCertificate } from '@skein/testkit';
import fc from 'fast-check';
import { applyPatch, type Operation } from 'fast-json-patch';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { ANNOTATION_SPECS } from '../../src/annotations/annotation-specs.js';
import { AdmissionReviewError } from '../../src/errors.js';
import { Injector } from '../../src/transform/injector.js';
import { type AdmissionRequest, parseAdmissionReview } from '../../src/webhook/admission-review.js';
import { type AdmissionServer, startAdmissionServer } from '../../src/webhook/admission-server.js';
import { createInjectorAdmissionHandler } from '../../src/webhook/injector-handler.js';
import { createServiceProfileAdmissionHandler } from '../../src/webhook/sp-validator-handler.js';
import { testValues } from '../fixtures.js';

// The admission webhooks take whatever the API server forwards: the proxy injector (any pod or
// service, any annotations) and the sp-validator (any ServiceProfile a user writes). Whatever the
// object, the answer is an AdmissionReview response with the request's uid: allowed with a JSON
// Patch that applies, or refused with a reason; malformed reviews get 400; nothing crashes.

const injector = new Injector({ values: testValues(), origin: 'webhook', createdBy: 'skein fuzz' });
const NAMESPACES: Record<string, Record<string, string>> = {
  enabled: { 'linkerd.io/inject': 'enabled' },
  disabled: { 'linkerd.io/inject': 'disabled' },
  plain: {},
};
const injectorHandler = createInjectorAdmissionHandler({
  injector,
  getNamespace: async (name) =>
    name in NAMESPACES ? { metadata: { annotations: NAMESPACES[name]! } } : undefined,
});
const spHandler = createServiceProfileAdmissionHandler();

const dnsLabel = fc.stringMatching(/^[a-z]([a-z0-9-]{0,10}[a-z0-9])?$/);
/** Annotation values an operator might write, or mistype. */
const annotationValue = fc.oneof(
  fc.constantFrom(
    'true',
    'false',
    'enabled',
    'disabled',
    'ingress',
    '100m',
    '1Gi',
    '0.5',
    '-1',
    '0',
    '99999999999999999999',
    '8080',
    '8080-8090',
    '80,443',
    'http',
    '10s',
    '1h',
    '',
    ' ',
    'x'.repeat(300),
  ),
  fc.string({ maxLength: 30 }),
  fc.nat().map(String),
);
/** A pod with any mix of Linkerd annotations: the injector's real attack surface. */
const pod = fc.record({
  apiVersion: fc.constant('v1'),
  kind: fc.constant('Pod'),
  metadata: fc.record({
    name: dnsLabel,
    annotations: fc.dictionary(
      fc.constantFrom('linkerd.io/inject', ...ANNOTATION_SPECS.map((a) => a.name)),
      annotationValue,
      { maxKeys: 6 },
    ),
    labels: fc.dictionary(dnsLabel, dnsLabel, { maxKeys: 2 }),
  }),
  spec: fc.record(
    {
      containers: fc.uniqueArray(
        fc.record(
          {
            name: dnsLabel,
            image: fc.constantFrom('nginx:1.27', 'redis:7'),
            ports: fc.array(
              fc.record(
                {
                  containerPort: fc.integer({ min: 1, max: 65_535 }),
                  name: dnsLabel,
                  protocol: fc.constantFrom('TCP', 'UDP'),
                },
                { requiredKeys: ['containerPort'] },
              ),
              { maxLength: 3 },
            ),
          },
          { requiredKeys: ['name', 'image'] },
        ),
        { minLength: 1, maxLength: 3, selector: (c) => c.name },
      ),
      hostNetwork: fc.boolean(),
      serviceAccountName: dnsLabel,
    },
    { requiredKeys: ['containers'] },
  ),
});

const anyObject = fc.oneof(
  pod,
  fc.jsonValue(),
  fc.record({
    kind: fc.constantFrom('Pod', 'Service', 'ServiceProfile'),
    metadata: fc.jsonValue(),
    spec: fc.jsonValue(),
  }),
);
const randomRequest = fc.record({
  uid: fc.uuid(),
  kind: fc.record({
    group: fc.constant(''),
    version: fc.constant('v1'),
    kind: fc.constantFrom('Pod', 'Service', 'ServiceProfile', 'Deployment', ''),
  }),
  namespace: fc.option(fc.constantFrom('enabled', 'disabled', 'plain', 'missing'), { nil: undefined }),
  operation: fc.constantFrom('CREATE', 'UPDATE', 'DELETE', 'CONNECT', ''),
  object: anyObject,
}) as fc.Arbitrary<AdmissionRequest>;
/** What the API server sends for a pod created in a namespace (the webhook's everyday input). */
const podCreation = fc
  .record({
    uid: fc.uuid(),
    namespace: fc.constantFrom('enabled', 'disabled', 'plain'),
    object: pod,
  })
  .map(
    ({ uid, namespace, object }) =>
      ({
        uid,
        kind: { group: '', version: 'v1', kind: 'Pod' },
        namespace,
        operation: 'CREATE',
        object: { ...object, metadata: { ...object.metadata, namespace } },
      }) as AdmissionRequest,
  );
const admissionRequest = fc.oneof(podCreation, randomRequest);

const regex = fc.constantFrom('/api/list', '/api/.*', '/users/[^/]+', '[', '(a', '/x$');
const route = fc.record(
  {
    name: fc.string({ maxLength: 20 }),
    condition: fc.oneof(
      fc.record({ method: fc.constantFrom('GET', 'POST', 'PUT') }, { requiredKeys: [] }),
      fc.record({ pathRegex: regex }),
      fc.record({ all: fc.array(fc.record({ method: fc.constantFrom('GET', 'POST') }), { maxLength: 2 }) }),
    ),
    responseClasses: fc.array(
      fc.record(
        {
          condition: fc.record({
            status: fc.record(
              { min: fc.integer({ min: 0, max: 700 }), max: fc.integer({ min: 0, max: 700 }) },
              { requiredKeys: [] },
            ),
          }),
          isFailure: fc.boolean(),
        },
        { requiredKeys: ['condition'] },
      ),
      { maxLength: 2 },
    ),
    isRetryable: fc.boolean(),
    timeout: fc.constantFrom('300ms', '10s', '1m', 'soon', '-1s', '0'),
  },
  { requiredKeys: ['name', 'condition'] },
);
const serviceProfile = fc.record({
  apiVersion: fc.constantFrom('linkerd.io/v1alpha2', 'linkerd.io/v1alpha1', 'v1'),
  kind: fc.constantFrom('ServiceProfile', 'Pod'),
  metadata: fc.record({
    name: fc.constantFrom('web.emojivoto.svc.cluster.local', 'web', 'Bad_Name'),
    namespace: fc.constant('emojivoto'),
  }),
  spec: fc.record(
    {
      routes: fc.array(route, { maxLength: 3 }),
      retryBudget: fc.record({
        retryRatio: fc.double({ min: -1, max: 2, noNaN: true }),
        minRetriesPerSecond: fc.integer({ min: -5, max: 50 }),
        ttl: fc.constantFrom('10s', '1h', 'x'),
      }),
      dstOverrides: fc.array(
        fc.record({
          authority: fc.constantFrom('web-v2.emojivoto.svc.cluster.local:80', 'web', ''),
          weight: fc.oneof(fc.integer({ min: -1, max: 1000 }), fc.constantFrom('500m', '1', 'x')),
        }),
        { maxLength: 2 },
      ),
      opaquePorts: fc.array(fc.constantFrom('3306', '80-90', 'x', '0'), { maxLength: 2 }),
    },
    { requiredKeys: [] },
  ),
});

let patched = 0;

function checkResponse(
  request: AdmissionRequest,
  response: Awaited<ReturnType<typeof injectorHandler>>,
): void {
  expect(response.uid).toBe(request.uid);
  expect(typeof response.allowed).toBe('boolean');
  if (!response.allowed) {
    expect(response.status?.message ?? '').not.toBe('');
    return;
  }
  if (response.patch === undefined) return;
  expect(response.patchType).toBe('JSONPatch');
  const ops = JSON.parse(Buffer.from(response.patch, 'base64').toString('utf8')) as Operation[];
  expect(Array.isArray(ops)).toBe(true);
  // The API server applies the patch to the object it sent: it must apply cleanly.
  applyPatch(structuredClone(request.object), ops, true, false);
  if (ops.some((op) => /^\/spec\/(initContainers|containers)\//.test(op.path))) patched++;
}

describe('fuzz: admission webhooks (proxy injector, sp-validator)', () => {
  const suite = new FuzzSuite({
    id: 'inject-admission-webhooks',
    target:
      "The AdmissionReview parser, the proxy injector's and the sp-validator's admission handlers, validateServiceProfile, and the HTTPS webhook server, on arbitrary text, JSON, workloads, ServiceProfiles and request bodies",
    expected:
      "AdmissionReviewError (HTTP 400) for malformed reviews; a response with the request's uid, allowed with a JSON Patch that applies to the object, or refused with a reason; ServiceProfileError (400) for invalid profiles; never a 500, a crash or a hang",
    msPerRun: 20,
  });
  let server: AdmissionServer;

  beforeAll(async () => {
    const pair = selfSignedCertificate({ altNames: ['127.0.0.1'] });
    server = await startAdmissionServer({
      handler: injectorHandler,
      certificate: { cert: pair.cert, key: pair.key },
      host: '127.0.0.1',
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  suite.property(
    'AdmissionReview bodies: a review or AdmissionReviewError',
    fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc
        .record({
          apiVersion: fc.constantFrom('admission.k8s.io/v1', 'admission.k8s.io/v1beta1', 'v1'),
          kind: fc.constantFrom('AdmissionReview', 'Pod'),
          request: fc.jsonValue(),
        })
        .map((v) => JSON.stringify(v)),
    ),
    (body) => {
      try {
        const review = parseAdmissionReview(body);
        expect(typeof review.request.uid).toBe('string');
      } catch (err) {
        expectTyped(err, AdmissionReviewError);
      }
    },
  );

  suite.asyncProperty(
    'injector handler: any request gets a well-formed response whose patch applies',
    admissionRequest,
    async (request) => {
      checkResponse(request, await injectorHandler(request));
    },
  );

  suite.property(
    'validateServiceProfile: a profile or ServiceProfileError',
    fc.oneof(serviceProfile, fc.jsonValue()),
    (input) => {
      try {
        validateServiceProfile(input);
      } catch (err) {
        expectTyped(err, ServiceProfileError);
      }
    },
  );

  suite.asyncProperty(
    'sp-validator handler: allowed, or refused with 400 and the reason; never throws',
    fc.record({
      uid: fc.uuid(),
      operation: fc.constantFrom('CREATE', 'UPDATE', 'DELETE'),
      object: fc.oneof(serviceProfile, fc.jsonValue()),
    }),
    async ({ uid, operation, object }) => {
      const request = {
        uid,
        operation,
        object,
        kind: { group: 'linkerd.io', version: 'v1alpha2', kind: 'ServiceProfile' },
      } as AdmissionRequest;
      const response = await spHandler(request);
      expect(response.uid).toBe(uid);
      if (!response.allowed) {
        expect(response.status?.code).toBe(400);
        expect(response.status?.message ?? '').not.toBe('');
      }
    },
  );

  suite.asyncProperty(
    'the HTTPS webhook: 200 with a response for valid reviews, 400/415 otherwise; never 500',
    fc.oneof(
      admissionRequest.map((request) => ({
        body: JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request }),
        type: 'application/json',
      })),
      fc.record({
        body: fc.string({ maxLength: 300 }),
        type: fc.constantFrom('application/json', 'text/plain', 'application/json; charset=utf-8'),
      }),
    ),
    async ({ body, type }) => {
      const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = https.request(
          `${server.url}/`,
          { method: 'POST', rejectUnauthorized: false, headers: { 'content-type': type }, agent: false },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => {
              text += c;
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
      expect([200, 400, 415]).toContain(status);
      if (status === 200) {
        const review = JSON.parse(text) as { response: { uid: string; allowed: boolean } };
        expect(typeof review.response.allowed).toBe('boolean');
      }
    },
    Math.max(30, Math.floor(Number(process.env.SKEIN_FUZZ_RUNS ?? 300) / 4)),
  );

  suite.property(
    'the injector property was not vacuous: some pods were injected',
    fc.constant(null),
    () => {
      expect(patched).toBeGreaterThan(0);
    },
    1,
  );

  suite.record();
});
