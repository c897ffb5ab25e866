/**
 * `@skein/core`: the primitives every Skein package stands on.
 *
 * @packageDocumentation
 */
export * from './balance/index.js';
export * from './config/index.js';
export * from './errors/index.js';
export * from './log/index.js';
export * from './metrics/index.js';
export * from './service-profile/index.js';
export * from './stack/index.js';
