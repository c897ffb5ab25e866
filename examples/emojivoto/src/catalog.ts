/** One emoji of the catalogue. */
export interface Emoji {
  /** The character(s). */
  readonly unicode: string;
  /** `:name:`, as the original emojivoto names them. */
  readonly shortcode: string;
}

/** The shortcode whose votes fail part of the time. */
export const DOUGHNUT = ':doughnut:';

const NAMES: readonly [string, string][] = [
  ['👻', 'ghost'],
  ['🍩', 'doughnut'],
  ['🚀', 'rocket'],
  ['🦄', 'unicorn'],
  ['🌮', 'taco'],
  ['🐱', 'cat'],
  ['😎', 'sunglasses'],
  ['🍕', 'pizza'],
  ['🐼', 'panda_face'],
  ['🎉', 'tada'],
  ['🌈', 'rainbow'],
  ['🔥', 'fire'],
  ['🐙', 'octopus'],
  ['🥑', 'avocado'],
  ['🎸', 'guitar'],
  ['⚽', 'soccer'],
  ['🌵', 'cactus'],
  ['🐢', 'turtle'],
  ['🍔', 'hamburger'],
  ['☕', 'coffee'],
];

/** Every emoji, in display order. */
export const CATALOG: readonly Emoji[] = NAMES.map(([unicode, name]) => ({
  unicode,
  shortcode: `:${name}:`,
}));

const BY_SHORTCODE = new Map(CATALOG.map((e) => [e.shortcode, e]));

/** The emoji with this shortcode, if any. */
export function findEmoji(shortcode: string): Emoji | undefined {
  return BY_SHORTCODE.get(shortcode);
}
