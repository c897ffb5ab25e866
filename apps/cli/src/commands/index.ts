import { injectCommand } from './inject.js';
import type { SkeinCommand } from './registry.js';
import { uninjectCommand } from './uninject.js';

export type { SkeinCommand } from './registry.js';

/** Every `skein` command, in help order. Add a command by adding its file here. */
export const COMMANDS: readonly SkeinCommand[] = [injectCommand, uninjectCommand];
