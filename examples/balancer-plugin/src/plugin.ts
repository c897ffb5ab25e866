// A proxy plugin: skein-proxy imports this module when SKEIN_PROXY_PLUGINS names it, registers
// its balancer strategies by name, and SKEIN_PROXY_BALANCER=least-request selects this one.
import type { ProxyPlugin } from '@skein/proxy';
import { leastRequest } from './least-request.ts';

const plugin: ProxyPlugin = {
  name: 'least-request-balancer',
  balancers: { 'least-request': leastRequest },
};

export default plugin;
