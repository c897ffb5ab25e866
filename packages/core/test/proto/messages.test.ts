// Round-trips every message with all of its fields set, once per member of its largest oneof,
// and checks the decoded values, the oneof discriminators and that re-encoding is stable.
import Long from 'long';
import { describe, expect, it } from 'vitest';
import { destination, httpTypes, net, tap } from '../../src/proto/messages.js';
import { collectGenerated } from './generated-types.js';
import { jsName, type ScalarKind, SPEC_MESSAGES, type SpecField, type SpecMessage } from './spec-table.js';

const { classes } = collectGenerated();
const MAX_DEPTH = 3;

const SCALAR_VALUES: Record<ScalarKind, () => unknown> = {
  string: () => 'ünïcode ✓',
  bytes: () => Uint8Array.of(1, 0, 254),
  bool: () => true,
  uint32: () => 4_294_967_295,
  int32: () => -2_147_483_648,
  uint64: () => Long.fromString('18446744073709551615', true),
  int64: () => Long.fromString('-9223372036854775808'),
  fixed32: () => 0x80000001,
  fixed64: () => Long.fromString('9223372036854775809', true),
  float: () => 0.375,
  double: () => 1e300,
};

function valueFor(field: SpecField, depth: number): unknown {
  switch (field.type.kind) {
    case 'scalar':
      return SCALAR_VALUES[field.type.scalar]();
    case 'enum':
      return 2;
    case 'map':
      return { alpha: 'one', 'beta/with:punct': 'two' };
    case 'message':
      return depth >= MAX_DEPTH ? undefined : build(SPEC_MESSAGES.get(field.type.type)!, depth + 1, 0);
  }
}

/** A message with every non-oneof field set and, in each oneof, member `variant` (mod count). */
function build(spec: SpecMessage, depth: number, variant: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const groups = new Map<string, SpecField[]>();
  for (const field of spec.fields) {
    if (field.oneof) groups.set(field.oneof, [...(groups.get(field.oneof) ?? []), field]);
  }
  const chosen = new Set([...groups.values()].map((members) => members[variant % members.length]!));
  for (const field of spec.fields) {
    if (field.oneof && !chosen.has(field)) continue;
    const one = valueFor(field, depth);
    if (one === undefined) continue;
    out[jsName(field.name)] = field.repeated ? [one, valueFor(field, depth)] : one;
  }
  return out;
}

/** Plain, comparable form: Longs as "signed/unsigned:value", bytes as hex, empty repeats dropped. */
function normalize(value: unknown): unknown {
  if (Long.isLong(value)) return `${(value as Long).unsigned ? 'u' : 's'}:${value.toString()}`;
  if (value instanceof Uint8Array) return `hex:${Buffer.from(value).toString('hex')}`;
  if (Array.isArray(value)) return value.map(normalize);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (key === '$unknowns' || v === undefined || (Array.isArray(v) && v.length === 0)) continue;
      out[key] = normalize(v);
    }
    return out;
  }
  return value;
}

describe('every message round-trips with all fields set', () => {
  const cases = [...SPEC_MESSAGES.values()].flatMap((spec) => {
    const widest = Math.max(
      1,
      ...spec.fields.map((f) => spec.fields.filter((g) => f.oneof && g.oneof === f.oneof).length),
    );
    return Array.from({ length: widest }, (_, v) => [`${spec.fullName} #${v}`, spec, v] as const);
  });

  it.each(cases)('%s', (_label, spec, variant) => {
    const type = classes.get(spec.fullName)!;
    const input = build(spec, 0, variant);
    const bytes = type.encode(input).finish();
    const decoded = type.decode(bytes);
    expect(normalize(decoded)).toEqual(normalize(input));
    for (const field of spec.fields.filter((f) => f.oneof && jsName(f.name) in input)) {
      expect(decoded[field.oneof!], `oneof ${field.oneof}`).toBe(jsName(field.name));
    }
    expect(Buffer.from(type.encode(decoded).finish()).equals(Buffer.from(bytes))).toBe(true);
  });
});

describe('hand-written round trips', () => {
  it('keeps both IPv6 halves exact to the last bit', () => {
    const first = Long.fromString('fffffffffffffffe', true, 16);
    const last = Long.fromString('8000000000000001', true, 16);
    const decoded = net.IPv6.decode(net.IPv6.encode({ first, last }).finish());
    expect(decoded.first.toString(16)).toBe('fffffffffffffffe');
    expect(decoded.last.toString(16)).toBe('8000000000000001');
    expect(decoded.first.unsigned).toBe(true);
  });

  it('keeps a uint64 tap stream id exact beyond 2^53', () => {
    const stream = Long.fromString('9007199254740993', true);
    const decoded = tap.TapEvent.Http.StreamId.decode(
      tap.TapEvent.Http.StreamId.encode({ base: 7, stream }).finish(),
    );
    expect(decoded.stream.toString()).toBe('9007199254740993');
  });

  it('distinguishes no_endpoints{exists:false} from an empty update', () => {
    const notFound = destination.Update.decode(
      destination.Update.encode({ noEndpoints: { exists: false } }).finish(),
    );
    expect(notFound.update).toBe('noEndpoints');
    expect(notFound.noEndpoints?.exists).toBe(false);
    const empty = destination.Update.decode(new Uint8Array());
    expect(empty.update).toBeUndefined();
  });

  it('keeps the zero enum value in a oneof (GET is 0)', () => {
    const { HttpMethod } = httpTypes;
    const bytes = HttpMethod.encode({ registered: HttpMethod.Registered.GET }).finish();
    expect([...bytes]).toEqual([0x08, 0x00]);
    const decoded = HttpMethod.decode(bytes);
    expect(decoded.type).toBe('registered');
    expect(decoded.registered).toBe(HttpMethod.Registered.GET);
  });

  it('skips unknown fields from a newer peer and keeps the known ones', () => {
    // NoEndpoints with exists=true plus an unknown field 9 (varint 42).
    const bytes = Uint8Array.of(0x08, 0x01, 0x48, 0x2a);
    const decoded = destination.NoEndpoints.decode(bytes);
    expect(decoded.exists).toBe(true);
    expect(Buffer.from(destination.NoEndpoints.encode(decoded).finish()).toString('hex')).toBe('0801');
  });

  it('rejects truncated input with an error rather than a partial message', () => {
    const bytes = destination.GetDestination.encode({ path: 'web.default.svc.cluster.local:80' }).finish();
    expect(() => destination.GetDestination.decode(bytes.subarray(0, bytes.length - 3))).toThrow();
  });
});
