// The benchmark's application: nginx (one worker) in a pod, from a generated config, answering
// every request with the same 1 KiB body as packages/proxy/bench's backend, on an HTTP/1.1 port
// and an h2c (prior knowledge) port, on all addresses so it is reachable with and without the
// proxy in front.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Pod, type RunningProcess, waitFor } from '@skein/testkit';

/** The response body: 1 KiB, the size the reference figures use. */
export const BODY_BYTES = 1024;

/** Where and how nginx runs. */
export interface NginxSite {
  readonly pod: Pod;
  readonly uid: number;
  /** Directory for its config, pid file, logs and temp paths (created here, writable by `uid`). */
  readonly dir: string;
  /** HTTP/1.1 port. */
  readonly h1Port: number;
  /** h2c (prior knowledge) port. */
  readonly h2Port: number;
}

/** Starts nginx and resolves once it answers on both ports from inside the pod. */
export async function startNginxIn(site: NginxSite): Promise<RunningProcess> {
  const { dir } = site;
  mkdirSync(dir, { recursive: true });
  const temp = (name: string) => `${name}_temp_path ${join(dir, name)};`;
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `worker_processes 1;
daemon off;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 8192; }
http {
  access_log off;
  ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join('\n  ')}
  keepalive_requests 10000000;
  keepalive_timeout 300s;
  http2_max_concurrent_streams 1000;
  server {
    listen 0.0.0.0:${site.h1Port};
    listen 0.0.0.0:${site.h2Port} http2;
    location / { default_type text/plain; return 200 "${'x'.repeat(BODY_BYTES)}"; }
  }
}
`,
  );
  // The pod's user must own the directory: nginx creates its temp paths there.
  await site.pod.exec(['chown', '-R', `${site.uid}:${site.uid}`, dir]);
  const nginx = await site.pod.spawn(['nginx', '-e', join(dir, 'error.log'), '-p', dir, '-c', conf], {
    uid: site.uid,
  });
  const answers = async (port: number, extra: string[]) => {
    const url = `http://127.0.0.1:${port}/`;
    const argv = ['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', ...extra, url];
    const r = await site.pod.exec(argv, { allowFailure: true, timeoutMs: 2000 });
    return r.stdout === '200';
  };
  try {
    await waitFor(
      async () =>
        (await answers(site.h1Port, [])) && (await answers(site.h2Port, ['--http2-prior-knowledge'])),
      { timeoutMs: 10_000, intervalMs: 100, what: `nginx in pod ${site.pod.name}` },
    );
  } catch (err) {
    throw new Error(`nginx did not start in pod ${site.pod.name}:\n${nginx.output()}`, { cause: err });
  }
  return nginx;
}
