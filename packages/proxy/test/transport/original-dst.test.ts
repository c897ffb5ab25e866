import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { originalDst } from '../../src/transport/original-dst.js';
import { decodeSockaddr } from '../../src/transport/sockaddr.js';
import { isRoot, NetNamespace } from './netns.js';
import { acceptedPair } from './socket-pair.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

describe('decodeSockaddr', () => {
  const le = new DataView(new ArrayBuffer(2));
  le.setUint16(0, 1, true);
  const hostLittleEndian = new Uint8Array(le.buffer)[0] === 1;
  const family = (n: number) => (hostLittleEndian ? [n & 0xff, n >> 8] : [n >> 8, n & 0xff]);

  it('decodes sockaddr_in', () => {
    const bytes = Uint8Array.from([...family(2), 0x1f, 0x90, 10, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(decodeSockaddr(bytes)).toEqual({ ip: '10.1.2.3', port: 8080 });
  });

  it('decodes sockaddr_in6 in RFC 5952 form', () => {
    const addr = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    const bytes = Uint8Array.from([...family(10), 0x01, 0xbb, 0, 0, 0, 0, ...addr, 0, 0, 0, 0]);
    expect(decodeSockaddr(bytes)).toEqual({ ip: '2001:db8::1', port: 443 });
  });

  it('decodes IPv4-mapped IPv6 addresses', () => {
    const addr = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1];
    const bytes = Uint8Array.from([...family(10), 0, 80, 0, 0, 0, 0, ...addr, 0, 0, 0, 0]);
    expect(decodeSockaddr(bytes)).toEqual({ ip: '::ffff:127.0.0.1', port: 80 });
  });

  it('rejects other families and short structures', () => {
    expect(decodeSockaddr(Uint8Array.from([...family(1), 0, 80, 1, 2, 3, 4]))).toBeUndefined();
    expect(decodeSockaddr(Uint8Array.from([...family(2), 0, 80]))).toBeUndefined();
    expect(decodeSockaddr(Uint8Array.from([...family(10), 0, 80, 0, 0, 0, 0, 1, 2, 3, 4]))).toBeUndefined();
  });
});

describe('originalDst without redirection', () => {
  it('is undefined for a direct IPv4 connection', async () => {
    const pair = await acceptedPair('127.0.0.1');
    try {
      expect(originalDst(pair.accepted)).toBeUndefined();
    } finally {
      await pair.close();
    }
  });

  it('is undefined for a direct IPv6 connection', async () => {
    const pair = await acceptedPair('::1');
    try {
      expect(originalDst(pair.accepted)).toBeUndefined();
    } finally {
      await pair.close();
    }
  });

  it('is undefined for a destroyed socket', async () => {
    const pair = await acceptedPair('127.0.0.1');
    pair.accepted.destroy();
    expect(originalDst(pair.accepted)).toBeUndefined();
    await pair.close();
  });
});

// Reading SO_ORIGINAL_DST needs real iptables NAT, which needs a network namespace and
// CAP_NET_ADMIN: only root can set that up. CI runs as root, so these run there.
describe.skipIf(!isRoot)('originalDst through iptables REDIRECT (network namespace)', () => {
  let ns: NetNamespace | undefined;
  let probe: {
    ipv4: { redirectedTo: unknown; viaRedirect: unknown; direct: unknown };
    ipv6: { redirectedTo: unknown; viaRedirect: unknown; direct: unknown };
    dualStack: { redirectedTo: unknown; viaRedirect: unknown; direct: unknown };
  };

  beforeAll(() => {
    ns = new NetNamespace('odst');
    const out = ns.exec(process.execPath, [
      '--import',
      fixture('ts-resolve-hook.mjs'),
      fixture('original-dst-probe.ts'),
    ]);
    probe = JSON.parse(out);
  });

  afterAll(() => ns?.delete());

  it('returns the original IPv4 destination of a redirected connection', () => {
    expect(probe.ipv4.viaRedirect).toEqual(probe.ipv4.redirectedTo);
    expect(probe.ipv4.viaRedirect).toMatchObject({ ip: '127.0.0.1' });
  });

  it('returns the original IPv6 destination of a redirected connection', () => {
    expect(probe.ipv6.viaRedirect).toEqual(probe.ipv6.redirectedTo);
    expect(probe.ipv6.viaRedirect).toMatchObject({ ip: '::1' });
  });

  it('is undefined for a connection made straight to the listener, though conntrack tracks it', () => {
    expect(probe.ipv4.direct).toBeNull();
    expect(probe.ipv6.direct).toBeNull();
  });

  it('resolves an IPv4 client accepted on a dual-stack IPv6 listener as IPv4', () => {
    expect(probe.dualStack.viaRedirect).toEqual(probe.dualStack.redirectedTo);
    expect(probe.dualStack.direct).toBeNull();
  });
});
