/** Who a pod process runs as. */
export interface RunAsOptions {
  /** Run as this user id (e.g. 2102, Linkerd's proxy uid). Unset: as the test (root). */
  readonly uid?: number;
  /** Run with this group id; defaults to `uid` when `uid` is set. */
  readonly gid?: number;
  /**
   * Keep the right to read and search every file (ambient `CAP_DAC_READ_SEARCH`) when running
   * as another user, so the process can load code from a checkout under a private directory
   * (CI clones under `/root`). It does not change the uid and gid that iptables' `owner` match
   * sees. Default true.
   */
  readonly readAnyFile?: boolean;
}

/**
 * Prefixes `argv` so that it runs as `uid`/`gid` with no supplementary groups, through
 * util-linux `setpriv` (which execs: the pid stays the program's).
 */
export function asUser(argv: readonly string[], options: RunAsOptions): string[] {
  if (options.uid === undefined && options.gid === undefined) return [...argv];
  const uid = options.uid ?? 0;
  const gid = options.gid ?? uid;
  const caps =
    options.readAnyFile === false
      ? []
      : ['--inh-caps', '+dac_read_search', '--ambient-caps', '+dac_read_search'];
  return ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', ...caps, '--', ...argv];
}

/** Checks a uid/gid value, returning a problem description or undefined. */
export function idProblem(value: number | undefined): string | undefined {
  if (value === undefined) return undefined;
  return Number.isInteger(value) && value >= 0 && value <= 4294967294
    ? undefined
    : `${value} is not a uid/gid in 0–4294967294`;
}
