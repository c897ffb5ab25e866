import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Pod, RunningProcess } from '@skein/testkit';

/** The `skein-proxy` executable (built by `turbo run build`; @skein/app-proxy is a dev dependency). */
export const PROXY_BIN = fileURLToPath(new URL('../../../../apps/proxy/dist/main.js', import.meta.url));

/** Ports inside the victim pod. */
export const POD_PORTS = {
  app: 8080,
  appH2: 8081,
  inbound: 4143,
  outbound: 4140,
  control: 4190,
  admin: 4191,
};

const APP_SOURCE = `
import http from 'node:http';
import http2 from 'node:http2';
const echo = (req, res) => {
  req.resume();
  req.on('end', () => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ path: req.url, headers: req.headers, from: req.socket.remoteAddress }));
  });
};
let ready = 0;
const up = () => { if (++ready === 2) console.log('app ready'); };
http.createServer(echo).listen(${POD_PORTS.app}, '0.0.0.0', up);
http2.createServer(echo).listen(${POD_PORTS.appH2}, '0.0.0.0', up);
`;

/**
 * Turns `pod` into a meshed pod without iptables-init: an application echoing the headers it
 * receives (HTTP/1 on 8080, HTTP/2 prior knowledge on 8081), the `skein-proxy` binary with its
 * inbound, admin (with `/shutdown` enabled) and tap ports on all addresses, and a `nat` rule
 * redirecting connections to the application's ports into the proxy's inbound listener, as
 * proxy-init does. Returns the proxy process.
 */
export async function meshPod(pod: Pod, dir: string, nodePath: string): Promise<RunningProcess> {
  const app = join(dir, 'echo-app.mjs');
  writeFileSync(app, APP_SOURCE);
  await pod.spawn([nodePath, app], { ready: /app ready/ });
  const proxy = await pod.spawn([nodePath, PROXY_BIN], {
    ready: /skein-proxy ready/,
    env: {
      PATH: process.env.PATH,
      LINKERD2_PROXY_LOG: 'warn',
      LINKERD2_PROXY_INBOUND_LISTEN_ADDR: `0.0.0.0:${POD_PORTS.inbound}`,
      LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR: `127.0.0.1:${POD_PORTS.outbound}`,
      LINKERD2_PROXY_ADMIN_LISTEN_ADDR: `0.0.0.0:${POD_PORTS.admin}`,
      LINKERD2_PROXY_CONTROL_LISTEN_ADDR: `0.0.0.0:${POD_PORTS.control}`,
      LINKERD2_PROXY_TAP_SVC_NAME: 'tap.linkerd.serviceaccount.identity.linkerd.cluster.local',
      LINKERD2_PROXY_SHUTDOWN_ENDPOINT_ENABLED: 'true',
      LINKERD2_PROXY_SHUTDOWN_GRACE_PERIOD: '1s',
      SKEIN_ATTACK_SECRET: 'not-for-remote-eyes',
    },
  });
  await pod.exec([
    'iptables-legacy',
    '-t',
    'nat',
    '-A',
    'PREROUTING',
    '-p',
    'tcp',
    '-m',
    'multiport',
    '--dports',
    `${POD_PORTS.app},${POD_PORTS.appH2}`,
    '-j',
    'REDIRECT',
    '--to-ports',
    String(POD_PORTS.inbound),
  ]);
  return proxy;
}

/** Resident memory of a process, MiB, from /proc (the pod shares the host's /proc). */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (kb === null) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kb[1]) / 1024;
}

/** An HTTP exchange made with curl from inside a pod. */
export interface CurlResult {
  /** HTTP status, or 0 when no response came. */
  status: number;
  body: string;
  /** curl's exit code (0 success; 52 empty reply, 56 receive failure, 7 refused…). */
  exitCode: number;
}

/** Runs curl inside `pod`; never rejects on an HTTP or connection failure. */
export async function curlIn(pod: Pod, args: string[]): Promise<CurlResult> {
  const marker = '\n--skein-status:';
  const r = await pod.exec(['curl', '-sS', '--max-time', '5', '-w', `${marker}%{http_code}`, ...args], {
    allowFailure: true,
  });
  const at = r.stdout.lastIndexOf(marker);
  const body = at < 0 ? r.stdout : r.stdout.slice(0, at);
  const status = at < 0 ? 0 : Number(r.stdout.slice(at + marker.length).trim());
  return { status, body, exitCode: r.code ?? -1 };
}
