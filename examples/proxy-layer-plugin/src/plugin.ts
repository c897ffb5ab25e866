// A proxy plugin: skein-proxy imports this module when SKEIN_PROXY_PLUGINS names it and calls
// the default export (a function or a plain ProxyPlugin). Its layers wrap every outbound HTTP
// request; the last one listed is the outermost, so the allowlist runs first.
import type { Interceptor, ProxyPlugin } from '@skein/proxy';
import { egressAllowlist } from './egress-allowlist.ts';
import { requestId } from './request-id.ts';
import { serverTiming } from './server-timing.ts';

export default function requestLayers(): ProxyPlugin {
  // Plugins get no options from the proxy, so this one reads its own variable.
  const allow = process.env.EGRESS_ALLOW_HOSTS?.split(',')
    .map((h) => h.trim())
    .filter((h) => h !== '');
  const outbound: Interceptor[] = [serverTiming(), requestId()];
  if (allow !== undefined && allow.length > 0) outbound.push(egressAllowlist(allow));
  return { name: 'request-layers', outbound };
}
