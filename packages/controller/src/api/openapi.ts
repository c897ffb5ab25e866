const nullableNumber = { type: ['number', 'null'] };
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const errors = {
  '400': json(ref('Error'), 'Invalid parameter (the message names it, the value and what is expected)'),
  '404': json(ref('Error'), 'Unknown resource'),
  '502': json(ref('Error'), 'The metrics backend or inventory failed'),
};
const q = (name: string, description: string, schema: object = { type: 'string' }, required = false) => ({
  name,
  in: 'query',
  required,
  description,
  schema,
});
const kinds = {
  type: 'string',
  description:
    'namespace, deployment, statefulset, daemonset, job, cronjob, replicaset, replicationcontroller, pod, service, authority (aliases deploy, po, svc, ns, au and plurals accepted)',
};
const resourceParams = [
  q('kind', 'Resource kind', kinds, true),
  q('namespace', 'Namespace (default "default")'),
  q('allNamespaces', 'Every namespace', { type: 'boolean' }),
  q('name', 'Only this resource'),
  q('window', 'Time window: 1s..1h, e.g. 30s, 1m (default 1m)'),
];
const refParams = (p: 'from' | 'to', what: string) => [
  q(`${p}Kind`, `Kind of the resource ${what}`, kinds),
  q(`${p}Namespace`, `Namespace of the resource ${what} (default: namespace)`),
  q(`${p}Name`, `Name of the resource ${what}`),
];

/**
 * The controller API's OpenAPI 3.1 description, served at `/api/openapi.json`. The dashboard
 * and the CLI are written against it; fields are only ever added.
 */
export const CONTROLLER_OPENAPI = {
  openapi: '3.1.0',
  info: {
    title: 'Skein controller API',
    version: '1',
    description:
      'The public API of a Skein mesh: statistics per resource, edges, routes and live tap. Rates are per second over the window; latencies are milliseconds; success rates are fractions 0..1. Errors are JSON {"error":{"code","message"}}.',
  },
  paths: {
    '/api/version': {
      get: {
        summary: 'Versions',
        responses: { '200': json(ref('Version'), 'The controller version and metrics source') },
      },
    },
    '/api/namespaces': {
      get: {
        summary: 'Namespaces',
        responses: {
          '200': json(
            { type: 'object', properties: { namespaces: { type: 'array', items: { type: 'string' } } } },
            'Namespaces',
          ),
          ...errors,
        },
      },
    },
    '/api/pods': {
      get: {
        summary: 'Pods, with mesh status and proxy addresses',
        parameters: [
          q('namespace', 'Namespace (default "default")'),
          q('allNamespaces', 'Every namespace', { type: 'boolean' }),
          q('name', 'Only this pod'),
        ],
        responses: {
          '200': json({ type: 'object', properties: { pods: { type: 'array', items: ref('Pod') } } }, 'Pods'),
          ...errors,
        },
      },
    },
    '/api/stat': {
      get: {
        summary: 'Statistics per resource (skein stat)',
        parameters: [
          ...resourceParams,
          q('labelSelector', 'Only pods with these labels (app=web,tier!=db)'),
          ...refParams('from', 'sending the traffic'),
          ...refParams('to', 'receiving the traffic'),
        ],
        responses: { '200': json(ref('StatResponse'), 'One row per resource'), ...errors },
      },
    },
    '/api/edges': {
      get: {
        summary: 'Who talks to whom, and whether over mTLS (skein edges)',
        parameters: [
          q('kind', 'A workload kind or pod', kinds, true),
          q('namespace', 'Namespace'),
          q('allNamespaces', 'Every namespace', { type: 'boolean' }),
          q('window', 'Time window'),
        ],
        responses: { '200': json(ref('EdgesResponse'), 'Edges'), ...errors },
      },
    },
    '/api/routes': {
      get: {
        summary: 'Statistics per ServiceProfile route (skein routes)',
        parameters: [
          ...resourceParams.filter((p) => p.name !== 'allNamespaces'),
          ...refParams('to', 'the requests go to'),
        ],
        responses: { '200': json(ref('RoutesResponse'), 'One row per route'), ...errors },
      },
    },
    '/api/tap': {
      post: {
        summary: 'Live requests (skein tap): a stream of events, one JSON object per line',
        requestBody: { required: true, content: { 'application/json': { schema: ref('TapRequest') } } },
        responses: {
          '200': {
            description: 'Newline-delimited TapEvent objects until the client disconnects',
            content: { 'application/x-ndjson': { schema: ref('TapEvent') } },
          },
          '403': json(ref('Error'), 'The caller may not tap this resource'),
          ...errors,
        },
      },
    },
    '/api/pods/{namespace}/{name}/metrics': {
      get: {
        summary: "The pod's proxy metrics (Prometheus text, passed through)",
        parameters: [
          { name: 'namespace', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'name', in: 'path', required: true, schema: { type: 'string' } },
        ],
        responses: {
          '200': {
            description: 'Prometheus text',
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
          ...errors,
        },
      },
    },
    '/api/pods/{namespace}/{name}/identity': {
      get: {
        summary: "The pod's proxy certificate chain (PEM, from the proxy's /identity/certificate)",
        parameters: [
          { name: 'namespace', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'name', in: 'path', required: true, schema: { type: 'string' } },
        ],
        responses: {
          '200': {
            description: 'PEM',
            content: { 'application/x-pem-file': { schema: { type: 'string' } } },
          },
          ...errors,
        },
      },
    },
  },
  components: {
    schemas: {
      Error: {
        type: 'object',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message'],
            properties: { code: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
      Version: {
        type: 'object',
        properties: {
          version: { type: 'string' },
          metricsSource: { type: 'string', enum: ['scraper', 'prometheus'] },
        },
      },
      Resource: {
        type: 'object',
        required: ['kind', 'namespace', 'name'],
        properties: { kind: { type: 'string' }, namespace: { type: 'string' }, name: { type: 'string' } },
      },
      Pod: {
        type: 'object',
        properties: {
          namespace: { type: 'string' },
          name: { type: 'string' },
          ip: { type: 'string' },
          owner: {
            type: ['object', 'null'],
            properties: { kind: { type: 'string' }, name: { type: 'string' } },
          },
          serviceAccount: { type: 'string' },
          meshed: { type: 'boolean' },
          running: { type: 'boolean' },
          tapEnabled: { type: 'boolean' },
          proxy: {
            type: ['object', 'null'],
            properties: {
              adminAddress: { type: 'string' },
              tapAddress: { type: 'string' },
              identity: { type: 'string' },
            },
          },
          labels: { type: 'object', additionalProperties: { type: 'string' } },
        },
      },
      TrafficStats: {
        type: 'object',
        properties: {
          successRate: nullableNumber,
          requestRate: { type: 'number' },
          successPerSecond: { type: 'number' },
          failurePerSecond: { type: 'number' },
          latencyMs: {
            type: 'object',
            properties: { p50: nullableNumber, p95: nullableNumber, p99: nullableNumber },
          },
        },
      },
      TcpStats: {
        type: 'object',
        properties: {
          openConnections: { type: 'number' },
          readBytesPerSecond: { type: 'number' },
          writeBytesPerSecond: { type: 'number' },
        },
      },
      StatRow: {
        type: 'object',
        properties: {
          resource: ref('Resource'),
          meshedPods: { type: ['integer', 'null'] },
          runningPods: { type: ['integer', 'null'] },
          measuredFrom: {
            type: ['string', 'null'],
            enum: ['inbound', 'outbound', null],
            description: "inbound: by the resource's own proxies; outbound: by its meshed clients",
          },
          stats: { oneOf: [ref('TrafficStats'), { type: 'null' }] },
          tcp: { oneOf: [ref('TcpStats'), { type: 'null' }] },
        },
      },
      StatResponse: {
        type: 'object',
        properties: { windowMs: { type: 'integer' }, rows: { type: 'array', items: ref('StatRow') } },
      },
      EdgeRow: {
        type: 'object',
        properties: {
          src: { type: 'object', properties: { namespace: { type: 'string' }, name: { type: 'string' } } },
          dst: { type: 'object', properties: { namespace: { type: 'string' }, name: { type: 'string' } } },
          clientId: { type: ['string', 'null'] },
          serverId: { type: ['string', 'null'] },
          secured: { type: 'boolean' },
          noTlsReason: { type: ['string', 'null'] },
          requestRate: { type: 'number' },
        },
      },
      EdgesResponse: {
        type: 'object',
        properties: { windowMs: { type: 'integer' }, rows: { type: 'array', items: ref('EdgeRow') } },
      },
      RouteRow: {
        type: 'object',
        properties: {
          route: { type: 'string' },
          authority: { type: 'string' },
          stats: { oneOf: [ref('TrafficStats'), { type: 'null' }] },
        },
      },
      RoutesResponse: {
        type: 'object',
        properties: { windowMs: { type: 'integer' }, rows: { type: 'array', items: ref('RouteRow') } },
      },
      TapRequest: {
        type: 'object',
        required: ['target'],
        properties: {
          target: {
            type: 'object',
            required: ['kind'],
            properties: {
              kind: kinds,
              namespace: { type: 'string' },
              name: { type: 'string' },
              labelSelector: { type: 'string' },
            },
          },
          to: {
            type: 'object',
            properties: { kind: kinds, namespace: { type: 'string' }, name: { type: 'string' } },
          },
          maxRps: {
            type: 'number',
            description: 'Requests per second to tap, split across pods (default 100)',
          },
          method: { type: 'string' },
          scheme: { type: 'string', enum: ['http', 'https'] },
          authority: { type: 'string', description: 'Exact authority' },
          path: { type: 'string', description: 'Path prefix' },
          extractHeaders: { type: 'boolean' },
        },
      },
      TapPeer: {
        type: 'object',
        properties: {
          ip: { type: 'string' },
          port: { type: 'integer' },
          labels: { type: 'object', additionalProperties: { type: 'string' } },
        },
      },
      TapEvent: {
        type: 'object',
        required: ['type', 'id', 'direction', 'proxy', 'source', 'destination'],
        properties: {
          type: { type: 'string', enum: ['requestInit', 'responseInit', 'responseEnd'] },
          id: { type: 'object', properties: { base: { type: 'integer' }, stream: { type: 'integer' } } },
          direction: { type: 'string', enum: ['inbound', 'outbound', 'unknown'] },
          proxy: { type: 'string', description: 'namespace/pod of the reporting proxy' },
          source: ref('TapPeer'),
          destination: ref('TapPeer'),
          routeLabels: { type: 'object', additionalProperties: { type: 'string' } },
          requestInit: {
            type: 'object',
            properties: {
              method: { type: 'string' },
              scheme: { type: 'string' },
              authority: { type: 'string' },
              path: { type: 'string' },
              headers: { type: 'array', items: { type: 'array', items: { type: 'string' } } },
            },
          },
          responseInit: {
            type: 'object',
            properties: {
              status: { type: 'integer' },
              sinceRequestInitUs: { type: 'integer' },
              headers: { type: 'array' },
            },
          },
          responseEnd: {
            type: 'object',
            properties: {
              sinceRequestInitUs: { type: 'integer' },
              sinceResponseInitUs: { type: 'integer' },
              responseBytes: { type: 'integer' },
              grpcStatus: { type: 'integer' },
              resetCode: { type: 'integer' },
              trailers: { type: 'array' },
            },
          },
        },
      },
    },
  },
} as const;
