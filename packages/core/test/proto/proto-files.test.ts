// Parses packages/core/proto/*.proto and checks every message, field, oneof, reserved entry,
// enum and service against the spec table (spec §1.2–§1.8, §1.10).
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { DEPRECATED_FIELDS, SERVICES, SPEC_ENUMS, SPEC_MESSAGES, type SpecField } from './spec-table.js';

const protoDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'proto');
const protoFiles = readdirSync(protoDir)
  .filter((f) => f.endsWith('.proto'))
  .map((f) => join(protoDir, f));
const root = new protobuf.Root().loadSync(protoFiles, { keepCase: true });
root.resolveAll();

function collect(ns: protobuf.NamespaceBase, types: protobuf.Type[], enums: protobuf.Enum[]): void {
  for (const nested of ns.nestedArray) {
    if (nested instanceof protobuf.Type) types.push(nested);
    if (nested instanceof protobuf.Enum) enums.push(nested);
    if (nested instanceof protobuf.Namespace) collect(nested, types, enums);
  }
}
const types: protobuf.Type[] = [];
const enums: protobuf.Enum[] = [];
collect(root, types, enums);
const fullName = (t: protobuf.ReflectionObject) => t.fullName.slice(1);

function describeSpecField(f: SpecField): string {
  const type = f.type.kind === 'scalar' ? f.type.scalar : f.type.kind === 'map' ? 'map' : f.type.type;
  return `${f.oneof ? `oneof ${f.oneof} ` : ''}${f.repeated ? 'repeated ' : ''}${type} ${f.name} = ${f.number}`;
}

function describeProtoField(f: protobuf.Field): string {
  if (f instanceof protobuf.MapField) {
    expect(`${f.keyType}->${f.type}`, `${f.fullName} must be map<string,string>`).toBe('string->string');
    return `${f.partOf ? `oneof ${f.partOf.name} ` : ''}map ${f.name} = ${f.id}`;
  }
  const type = f.resolvedType ? fullName(f.resolvedType) : f.type;
  return `${f.partOf ? `oneof ${f.partOf.name} ` : ''}${f.repeated ? 'repeated ' : ''}${type} ${f.name} = ${f.id}`;
}

describe('proto files match the spec', () => {
  it('declare exactly the messages and enums of the spec', () => {
    expect(types.map(fullName).sort()).toEqual([...SPEC_MESSAGES.keys()].sort());
    expect(enums.map(fullName).sort()).toEqual([...SPEC_ENUMS.keys()].sort());
  });

  it.each([...SPEC_MESSAGES.values()].map((m) => [m.fullName, m] as const))('%s', (name, spec) => {
    const type = root.lookupType(name);
    const actual = type.fieldsArray.map(describeProtoField).sort();
    expect(actual).toEqual(spec.fields.map(describeSpecField).sort());
    const reserved = type.reserved ?? [];
    const reservedNumbers = reserved
      .filter((r): r is number[] => Array.isArray(r))
      .flatMap(([a, b]) => {
        const out: number[] = [];
        for (let i = a!; i <= b!; i++) out.push(i);
        return out;
      });
    expect(reservedNumbers.sort()).toEqual([...spec.reservedNumbers].sort());
    expect(reserved.filter((r) => typeof r === 'string').sort()).toEqual([...spec.reservedNames].sort());
  });

  it('enums have the spec values', () => {
    for (const [name, values] of SPEC_ENUMS) {
      expect(root.lookupEnum(name).values, name).toEqual(Object.fromEntries(values));
    }
  });

  it('marks exactly the deprecated fields of the spec', () => {
    const deprecated = types.flatMap((t) =>
      t.fieldsArray.filter((f) => f.options?.deprecated === true).map((f) => fullName(f)),
    );
    expect(deprecated.sort()).toEqual([...DEPRECATED_FIELDS].sort());
  });

  it('declares the services of the spec', () => {
    const services: protobuf.Service[] = [];
    const walk = (ns: protobuf.NamespaceBase) => {
      for (const nested of ns.nestedArray) {
        if (nested instanceof protobuf.Service) services.push(nested);
        if (nested instanceof protobuf.Namespace) walk(nested);
      }
    };
    walk(root);
    expect(services.map(fullName).sort()).toEqual(Object.keys(SERVICES).sort());
    for (const [name, methods] of Object.entries(SERVICES)) {
      const service = root.lookupService(name);
      const actual = service.methodsArray.map((m) => [
        m.name,
        fullName(m.resolvedRequestType!),
        fullName(m.resolvedResponseType!),
        m.responseStream === true,
        m.requestStream === true,
      ]);
      expect(actual, name).toEqual(methods.map((m) => [...m, false]));
    }
  });
});
