/** Short resource kinds as Linkerd's CLI prints them (`deploy/web`). */
const SHORT: Record<string, string> = {
  deployment: 'deploy',
  daemonset: 'ds',
  statefulset: 'sts',
  replicaset: 'rs',
  replicationcontroller: 'rc',
  cronjob: 'cronjob',
  job: 'job',
  pod: 'po',
  service: 'svc',
  namespace: 'ns',
};

/** Owner label keys, most specific workload first. */
const OWNER_KEYS = [
  'deployment',
  'statefulset',
  'daemonset',
  'job',
  'cronjob',
  'replicaset',
  'replicationcontroller',
];

/**
 * The resource a peer belongs to, for `-o wide`'s `src_res`/`dst_res` and `top`: its workload
 * (`deploy/web`), else its pod (`po/web-0`), else undefined.
 */
export function peerResource(labels: Readonly<Record<string, string>>): string | undefined {
  for (const key of OWNER_KEYS) {
    const v = labels[key];
    if (v !== undefined && v !== '') return `${SHORT[key]}/${v}`;
  }
  if (labels.pod !== undefined && labels.pod !== '') return `po/${labels.pod}`;
  return undefined;
}

/** A short name for a kind (`deployment` → `deploy`); unknown kinds are returned as given. */
export function shortKind(kind: string): string {
  return SHORT[kind] ?? kind;
}
