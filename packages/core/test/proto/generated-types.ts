import { google, io, transport } from '../../src/proto/messages.js';

/** What tests need from a generated message class. */
export interface GeneratedClass {
  encode(message: object): { finish(): Uint8Array };
  decode(bytes: Uint8Array): Record<string, unknown>;
}

const isClass = (value: unknown): value is GeneratedClass =>
  typeof value === 'function' && 'encode' in value && 'decode' in value;

const isEnum = (value: unknown): value is Record<string, number> =>
  typeof value === 'object' &&
  value !== null &&
  Object.keys(value).length > 0 &&
  Object.values(value).every((v) => typeof v === 'number');

/** Every message class and enum in the generated module, keyed by full proto name. */
export function collectGenerated(): {
  classes: Map<string, GeneratedClass>;
  enums: Map<string, Record<string, number>>;
} {
  const classes = new Map<string, GeneratedClass>();
  const enums = new Map<string, Record<string, number>>();
  const walk = (prefix: string, container: object, inClass: boolean): void => {
    for (const [key, value] of Object.entries(container)) {
      // Nested types of a class are capitalised statics; its methods are not.
      if (inClass && !/^[A-Z]/.test(key)) continue;
      const name = `${prefix}.${key}`;
      if (isClass(value)) {
        classes.set(name, value);
        walk(name, value, true);
      } else if (isEnum(value)) {
        enums.set(name, value);
      } else if (!inClass && typeof value === 'object' && value !== null) {
        walk(name, value, false);
      }
    }
  };
  walk('io', io, false);
  walk('google', google, false);
  walk('transport', transport, false);
  return { classes, enums };
}
