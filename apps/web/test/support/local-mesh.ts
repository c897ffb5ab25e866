import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseStaticDiscovery, type StaticDiscovery } from '@skein/discovery';
import {
  type RunningDestinationServer,
  StaticDestinationBackend,
  serveDestination,
} from '@skein/discovery/server';
import { ReplaySubject } from 'rxjs';
import {
  identityName,
  type LocalIdentity,
  type MeshedPod,
  startLocalIdentity,
  startMeshedPod,
} from './meshed-pod.js';

/**
 * An emojivoto-like app meshed on loopback, as the local mesh runs one: every pod has its own
 * 127.0.x.y address and a real Skein proxy certified by a real identity service; apps talk to
 * their own proxy in explicit mode and proxies reach each other's inbound port with mTLS and the
 * transport header; names resolve through a real destination service serving ServiceProfiles.
 *
 * ```
 *   vote-bot ──▶ web ──▶ emoji
 *                  └───▶ voting   (every 10th request fails with 500)
 * ```
 *
 * `web` degrades gracefully when a vote fails (it answers 200), so only `voting` shows a
 * success rate below 100%. Namespace `default` holds one unmeshed pod.
 */
export interface LocalMesh {
  readonly namespace: string;
  readonly dir: string;
  readonly inventoryFile: string;
  readonly discoveryFile: string;
  readonly pods: Readonly<Record<'vote-bot' | 'web' | 'emoji' | 'voting', MeshedPod>>;
  /** Requests the traffic generator sent, and how many of them `voting` failed. */
  readonly counts: { sent: number; votesFailed: number };
  close(): Promise<void>;
}

const NAMESPACE = 'emojivoto';
const EMOJI = ['doughnut', 'rocket', 'unicorn', 'taco', 'cat', 'sunglasses', 'pizza'];

async function listen(server: http.Server, ip: string): Promise<number> {
  server.listen(0, ip);
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** GET `path` of `authority` through a proxy's outbound port (explicit mode). */
function getVia(
  pod: MeshedPod,
  agent: http.Agent,
  authority: string,
  path: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: pod.ip, port: pod.outboundPort, path, headers: { host: authority }, agent },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function discoveryYaml(
  apps: Record<'web' | 'emoji' | 'voting', number>,
  pods: Record<'web' | 'emoji' | 'voting', MeshedPod>,
): string {
  const authority = (svc: 'web' | 'emoji' | 'voting') => {
    const pod = pods[svc];
    return `  ${svc}.${NAMESPACE}.svc.cluster.local:80:
    labels: { namespace: ${NAMESPACE}, service: ${svc} }
    endpoints:
      - address: "${pod.ip}:${apps[svc]}"
        identity: ${identityName(NAMESPACE, svc)}
        protocolHint: h2
        opaqueTransportPort: ${pod.inboundPort}
        labels: { pod: ${pod.name}, deployment: ${svc}, serviceaccount: ${svc} }`;
  };
  const profile = (svc: string, routes: [string, string][]) => `  - apiVersion: linkerd.io/v1alpha2
    kind: ServiceProfile
    metadata: { name: ${svc}.${NAMESPACE}.svc.cluster.local, namespace: ${NAMESPACE} }
    spec:
      routes:
${routes.map(([name, regex]) => `        - { name: "${name}", condition: { method: GET, pathRegex: "${regex}" } }`).join('\n')}`;
  return `authorities:
${authority('web')}
${authority('emoji')}
${authority('voting')}
profiles:
${profile('web', [
  ['GET /api/list', '/api/list'],
  ['GET /api/vote', '/api/vote'],
])}
${profile('emoji', [
  ['GET /emoji.list', '/emoji\\\\.list'],
  ['GET /emoji.find', '/emoji\\\\.find'],
])}
${profile('voting', [['GET /vote/{emoji}', '/vote/[^/]+']])}
`;
}

function inventoryYaml(pods: Record<string, MeshedPod>): string {
  const pod = (p: MeshedPod) =>
    `  - { name: ${p.name}, namespace: ${NAMESPACE}, ip: ${p.ip}, owner: deployment/${p.deployment}, serviceAccount: ${p.deployment}, labels: { app: ${p.deployment} }, proxy: { admin: "${p.adminAddress}", tap: "${p.tapAddress}", identity: ${identityName(NAMESPACE, p.deployment)} } }`;
  return `pods:
${Object.values(pods).map(pod).join('\n')}
  - { name: legacy-0, namespace: default, ip: 127.0.11.9, owner: deployment/legacy, labels: { app: legacy } }
services:
  - { name: web, namespace: ${NAMESPACE}, ports: [80], selector: { app: web } }
  - { name: emoji, namespace: ${NAMESPACE}, ports: [80], selector: { app: emoji } }
  - { name: voting, namespace: ${NAMESPACE}, ports: [80], selector: { app: voting } }
  - { name: legacy, namespace: default, ports: [80], selector: { app: legacy } }
`;
}

/**
 * Starts the mesh and its traffic generator (`rps` requests per second from vote-bot to web,
 * alternating the list and vote pages). Pods use 127.0.11.1–4.
 */
export async function startLocalMesh(options: { rps?: number } = {}): Promise<LocalMesh> {
  const dir = mkdtempSync(join(tmpdir(), 'skein-web-mesh-'));
  const closers: (() => Promise<void> | void)[] = [() => rmSync(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const c of closers.splice(0).reverse()) await c();
  };
  try {
    const identity: LocalIdentity = await startLocalIdentity(dir);
    closers.push(() => identity.close());
    const discovery = new ReplaySubject<StaticDiscovery>(1);
    const destination: RunningDestinationServer = await serveDestination({
      backend: new StaticDestinationBackend({ discovery }),
      address: '127.0.0.1:0',
    });
    closers.push(() => destination.close(100));
    const start = (deployment: string, ip: string) =>
      startMeshedPod({
        name: `${deployment}-0`,
        deployment,
        namespace: NAMESPACE,
        ip,
        identity,
        destination: `127.0.0.1:${destination.port}`,
        dir,
      });
    const pods = {
      'vote-bot': await start('vote-bot', '127.0.11.1'),
      web: await start('web', '127.0.11.2'),
      emoji: await start('emoji', '127.0.11.3'),
      voting: await start('voting', '127.0.11.4'),
    };
    for (const p of Object.values(pods)) closers.push(() => p.close());

    const counts = { sent: 0, votesFailed: 0 };
    let votes = 0;
    const votingApp = http.createServer((req, res) => {
      votes++;
      if (votes % 10 === 0) {
        counts.votesFailed++;
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"vote store unavailable"}');
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ voted: req.url?.slice('/vote/'.length) }));
    });
    const emojiApp = http.createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(req.url?.startsWith('/emoji.list') ? JSON.stringify(EMOJI) : JSON.stringify({ found: true }));
    });
    const webAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    const webApp = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://web');
      const reply = (body: unknown) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(body));
      };
      const emoji = (path: string) =>
        getVia(pods.web, webAgent, `emoji.${NAMESPACE}.svc.cluster.local`, path);
      (async () => {
        if (url.pathname === '/api/list') return reply(JSON.parse((await emoji('/emoji.list')).body));
        const choice = url.searchParams.get('choice') ?? 'doughnut';
        await emoji(`/emoji.find?id=${choice}`);
        const vote = await getVia(
          pods.web,
          webAgent,
          `voting.${NAMESPACE}.svc.cluster.local`,
          `/vote/${choice}`,
        );
        reply({ choice, voted: vote.status === 200 });
      })().catch((err: Error) => res.writeHead(502).end(err.message));
    });
    const apps = {
      web: await listen(webApp, pods.web.ip),
      emoji: await listen(emojiApp, pods.emoji.ip),
      voting: await listen(votingApp, pods.voting.ip),
    };
    closers.push(() => {
      webAgent.destroy();
      for (const s of [webApp, emojiApp, votingApp]) s.close();
    });

    const text = discoveryYaml(apps, pods);
    const discoveryFile = join(dir, 'discovery.yaml');
    writeFileSync(discoveryFile, text);
    discovery.next(parseStaticDiscovery(text, discoveryFile));
    const inventoryFile = join(dir, 'inventory.yaml');
    writeFileSync(inventoryFile, inventoryYaml(pods));

    // The traffic generator: a bounded loop that stops when the mesh closes.
    const botAgent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const webAuthority = `web.${NAMESPACE}.svc.cluster.local`;
    let tick = 0;
    const timer = setInterval(
      () => {
        tick++;
        counts.sent++;
        const path = tick % 2 === 0 ? '/api/list' : `/api/vote?choice=${EMOJI[tick % EMOJI.length]}`;
        getVia(pods['vote-bot'], botAgent, webAuthority, path).catch(() => {});
      },
      1000 / (options.rps ?? 20),
    );
    closers.push(() => {
      clearInterval(timer);
      botAgent.destroy();
    });
    return { namespace: NAMESPACE, dir, inventoryFile, discoveryFile, pods, counts, close };
  } catch (err) {
    await close();
    throw err;
  }
}
