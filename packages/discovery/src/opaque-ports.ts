/** Linkerd's default opaque ports (`25,587,3306,4444,5432,6379,9300,11211`): server-speaks-first protocols. */
export const DEFAULT_OPAQUE_PORTS = '25,587,3306,4444,5432,6379,9300,11211';
