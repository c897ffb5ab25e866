import type { LocalMeshEndpoints, LocalMeshEvent, MeshPlan } from '@skein/local';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The first lines: what will run where. */
export function renderPlan(plan: MeshPlan): string {
  const pods = plan.pods.map((p) => `${p.name} ${p.ip}`).join(', ');
  const where =
    plan.mode === 'loopback'
      ? `each pod on its own loopback address, its app talking to its sidecar in explicit mode`
      : `each pod in its own network namespace, its traffic intercepted by iptables`;
  return `Starting the Skein demo: emojivoto on a local mesh (${where}).\n  control plane ${plan.controlPlaneIp}; pods ${pods}\n`;
}

/** One line per event worth telling while starting and stopping (undefined: nothing to print). */
export function renderEvent(e: LocalMeshEvent): string | undefined {
  switch (e.type) {
    case 'reaped':
      return `  cleaned up what a previous demo left behind: ${[...e.processes, ...e.netns.map((n) => `netns ${n}`)].join(', ')}\n`;
    case 'ready':
      return `  ✓ ${e.component.padEnd(18)} ready after ${seconds(e.elapsedMs)}\n`;
    case 'stopping':
      return 'Stopping the demo…\n';
    case 'stopped':
      return `Stopped every process (${seconds(e.elapsedMs)}).\n`;
    default:
      return undefined;
  }
}

/** The banner once everything runs: where to look, and what to try. */
export function renderRunning(
  endpoints: LocalMeshEndpoints,
  elapsedMs: number,
  notes: readonly string[],
  namespace: string,
): string {
  const web = endpoints.pods.find((p) => p.name === 'web-0');
  const ns = namespace === 'default' ? '' : ` -n ${namespace}`;
  const lines = [
    '',
    `Skein demo is running (ready in ${seconds(elapsedMs)}): ${endpoints.pods.length} pods, each with a Skein proxy; proxies talk to each other over mTLS.`,
    '',
    ...(endpoints.dashboardUrl === undefined ? [] : [`  dashboard   ${endpoints.dashboardUrl}`]),
    ...(web?.appAddr === undefined ? [] : [`  emojivoto   http://${web.appAddr}/`]),
    `  controller  ${endpoints.controllerUrl}  (skein finds it on its own while the demo runs)`,
    ...notes.map((n) => `  note: ${n}`),
    '',
    'Try, in another terminal:',
    `  npx skein stat deploy${ns}            golden metrics: success rate, requests/s, latency`,
    `  npx skein edges deploy${ns}           who talks to whom, and over mTLS`,
    `  npx skein tap deploy/web${ns}         live requests through web's proxy`,
    `  npx skein routes deploy/voting${ns}   per-route metrics: VoteDoughnut fails half the time`,
    '',
    `Logs and files: ${endpoints.runDir}`,
    'Press Ctrl-C to stop.',
    '',
  ];
  return `${lines.join('\n')}\n`;
}

/** What to print when a process dies while the demo runs. */
export function renderExited(e: Extract<LocalMeshEvent, { type: 'exited' }>): string {
  const how = e.exit.signal !== null ? `was killed by ${e.exit.signal}` : `exited with code ${e.exit.code}`;
  const tail = e.output.trim() === '' ? '' : `--- last output of ${e.component} ---\n${e.output.trimEnd()}\n`;
  return `skein demo: ${e.component} ${how} (log: ${e.logFile}); stopping the demo.\n${tail}`;
}
