/** Options for {@link buildClientHello}: the parts a test wants to vary. */
export interface ClientHelloSpec {
  sni?: string;
  alpn?: string[];
  sessionId?: Uint8Array;
  cipherSuites?: number[];
  /** Extra extensions as [type, data], placed before SNI and ALPN. */
  extensions?: [number, Uint8Array][];
  /** Omit the extensions block entirely (a TLS 1.0-style hello). */
  noExtensions?: boolean;
  /** Split the handshake message into records of at most this many bytes. */
  recordSize?: number;
}

function u16(n: number): number[] {
  return [(n >> 8) & 0xff, n & 0xff];
}

function vec16(body: number[] | Uint8Array): number[] {
  return [...u16(body.length), ...body];
}

/** Builds a syntactically valid TLS ClientHello, wrapped in one or more handshake records. */
export function buildClientHello(spec: ClientHelloSpec = {}): Buffer {
  const exts: number[] = [];
  for (const [type, data] of spec.extensions ?? []) exts.push(...u16(type), ...vec16(data));
  if (spec.sni !== undefined) {
    const name = [...Buffer.from(spec.sni, 'latin1')];
    exts.push(...u16(0), ...vec16(vec16([0, ...vec16(name)])));
  }
  if (spec.alpn !== undefined) {
    const list = spec.alpn.flatMap((p) => [p.length, ...Buffer.from(p, 'latin1')]);
    exts.push(...u16(16), ...vec16(vec16(list)));
  }
  const sessionId = [...(spec.sessionId ?? new Uint8Array(32).fill(7))];
  const suites = (spec.cipherSuites ?? [0x1301, 0x1302, 0xc02f]).flatMap(u16);
  const body = [
    3,
    3,
    ...new Array(32).fill(0x42),
    sessionId.length,
    ...sessionId,
    ...vec16(suites),
    1,
    0,
    ...(spec.noExtensions ? [] : vec16(exts)),
  ];
  const message = [1, (body.length >> 16) & 0xff, (body.length >> 8) & 0xff, body.length & 0xff, ...body];
  const size = spec.recordSize ?? 16_384;
  const records: number[] = [];
  for (let i = 0; i < message.length; i += size) {
    const fragment = message.slice(i, i + size);
    records.push(0x16, 3, 1, ...vec16(fragment));
  }
  return Buffer.from(records);
}
