import { homedir } from 'node:os';
import { localMeshStatePath, readLocalMeshState } from '@skein/controller';

/** How the CLI reaches the controller, and where it learned the address (for error messages). */
export type ControllerTarget =
  | { readonly kind: 'direct'; readonly url: string; readonly origin: string }
  | {
      readonly kind: 'kubernetes';
      readonly namespace: string;
      readonly origin: string;
      readonly statePath: string;
    };

/** Flags that choose the controller. */
export interface ControllerFlags {
  /** `--api-addr`. */
  readonly apiAddr?: string;
  /** `-L/--linkerd-namespace`: where the controller Service lives for the Kubernetes path. */
  readonly linkerdNamespace?: string;
  /** `--kubeconfig`. */
  readonly kubeconfig?: string;
  /** `--context`. */
  readonly context?: string;
}

function asUrl(addr: string): string {
  return /^https?:\/\//.test(addr) ? addr.replace(/\/+$/, '') : `http://${addr}`;
}

/**
 * Finds the controller, in order: `--api-addr`, `SKEIN_API_ADDR`, a running local mesh (its
 * state file under `$XDG_RUNTIME_DIR/skein/` or `~/.skein/`), else the Kubernetes API's
 * service proxy to the controller Service `linkerd-controller` (port `http`, as `skein install`
 * renders it) in `-L` (default `linkerd`).
 */
export async function findController(
  flags: ControllerFlags,
  env: NodeJS.ProcessEnv,
): Promise<ControllerTarget> {
  if (flags.apiAddr !== undefined && flags.apiAddr !== '')
    return { kind: 'direct', url: asUrl(flags.apiAddr), origin: '--api-addr' };
  const fromEnv = env.SKEIN_API_ADDR;
  if (fromEnv !== undefined && fromEnv !== '')
    return { kind: 'direct', url: asUrl(fromEnv), origin: 'SKEIN_API_ADDR' };
  const statePath = localMeshStatePath(env, homedir());
  const state = await readLocalMeshState(statePath);
  if (state !== undefined)
    return { kind: 'direct', url: asUrl(state.apiAddr), origin: `the local mesh (${statePath})` };
  return {
    kind: 'kubernetes',
    namespace: flags.linkerdNamespace ?? env.LINKERD_NAMESPACE ?? 'linkerd',
    origin: 'the Kubernetes API service proxy (no --api-addr, SKEIN_API_ADDR or local mesh)',
    statePath,
  };
}
