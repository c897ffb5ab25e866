// The compatibility check: for every field of every message in the spec table, set that field
// alone, encode with the generated code, and read the bytes back with a hand-written wire reader
// to confirm the field number, the wire type and the encoded value.
import Long from 'long';
import { describe, expect, it } from 'vitest';
import { collectGenerated } from './generated-types.js';
import { jsName, type ScalarKind, SPEC_MESSAGES, type SpecField, wireTypeOf } from './spec-table.js';
import { readWire, varintOf } from './wire-reader.js';

const { classes } = collectGenerated();

/** A non-default sample per scalar kind, and the payload the wire must carry for it. */
const SAMPLES: Record<ScalarKind, { value: unknown; varint?: bigint; bytes?: number[] }> = {
  string: { value: 'héllo', bytes: [...Buffer.from('héllo', 'utf8')] },
  bytes: { value: Uint8Array.of(0, 255, 7), bytes: [0, 255, 7] },
  bool: { value: true, varint: 1n },
  uint32: { value: 4_000_000_000, varint: 4_000_000_000n },
  int32: { value: -5, varint: varintOf(-5n) },
  uint64: { value: Long.fromString('18446744073709551000', true), varint: 18446744073709551000n },
  int64: { value: Long.fromString('-9000000000000000000'), varint: varintOf(-9000000000000000000n) },
  fixed32: { value: 0xfedcba98, bytes: [0x98, 0xba, 0xdc, 0xfe] },
  fixed64: {
    value: Long.fromString('0123456789abcdef', true, 16),
    bytes: [0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01],
  },
  float: { value: 1.5, bytes: [...new Uint8Array(Float32Array.of(1.5).buffer)] },
  double: { value: -2.25, bytes: [...new Uint8Array(Float64Array.of(-2.25).buffer)] },
};

function sampleFor(field: SpecField): unknown {
  const one =
    field.type.kind === 'scalar'
      ? SAMPLES[field.type.scalar].value
      : field.type.kind === 'enum'
        ? 1
        : field.type.kind === 'map'
          ? { k: 'v' }
          : {};
  return field.repeated ? [one] : one;
}

function expectPayload(field: SpecField, record: ReturnType<typeof readWire>[number]): void {
  const where = `${field.name} = ${field.number}`;
  if (field.type.kind === 'scalar') {
    const sample = SAMPLES[field.type.scalar];
    if (sample.varint !== undefined) expect(record.varint, where).toBe(sample.varint);
    else expect([...record.bytes!], where).toEqual(sample.bytes);
  } else if (field.type.kind === 'enum') {
    expect(record.varint, where).toBe(1n);
  } else if (field.type.kind === 'map') {
    // A map entry is a message: key = 1, value = 2, both length-delimited strings.
    const entry = readWire(record.bytes!);
    expect(
      entry.map((r) => [r.field, r.wireType, Buffer.from(r.bytes!).toString()]),
      where,
    ).toEqual([
      [1, 2, 'k'],
      [2, 2, 'v'],
    ]);
  } else {
    expect(record.bytes!.length, `${where}: an empty sub-message has an empty payload`).toBe(0);
  }
}

describe('wire field numbers and types match the spec', () => {
  const cases = [...SPEC_MESSAGES.values()].flatMap((m) =>
    m.fields.map((f) => [`${m.fullName}.${f.name}`, m.fullName, f] as const),
  );

  it('covers every field of every message', () => {
    const total = [...SPEC_MESSAGES.values()].reduce((n, m) => n + m.fields.length, 0);
    expect(cases).toHaveLength(total);
    expect(total).toBeGreaterThan(350);
  });

  it.each(cases)('%s', (_label, messageName, field) => {
    const type = classes.get(messageName);
    expect(type, `generated class for ${messageName}`).toBeDefined();
    const bytes = type!.encode({ [jsName(field.name)]: sampleFor(field) }).finish();
    const records = readWire(bytes);
    expect(
      records.map((r) => [r.field, r.wireType]),
      `${messageName}.${field.name}`,
    ).toEqual([[field.number, wireTypeOf(field)]]);
    expectPayload(field, records[0]!);
  });

  it('encodes an empty message as no bytes', () => {
    for (const [name, type] of classes) {
      expect(type.encode({}).finish().length, name).toBe(0);
    }
  });
});
