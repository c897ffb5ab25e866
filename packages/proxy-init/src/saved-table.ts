/** One rule of a saved table: its chain and the words after `-A <chain>`. */
export interface SavedRule {
  readonly chain: string;
  /** The rule specification, unquoted, e.g. `['-j', 'PROXY_INIT_REDIRECT']`. */
  readonly spec: readonly string[];
}

/** The `nat` table as `iptables-save -t nat` printed it. */
export interface SavedNatTable {
  /** Every chain declared (`:NAME POLICY [packets:bytes]`), built-in ones included. */
  readonly chains: ReadonlySet<string>;
  /** The rules in order. */
  readonly rules: readonly SavedRule[];
}

/**
 * Parses `iptables-save` output, keeping only the `*nat` table. Quoted words (`"a b"`, with
 * `\"` and `\\` escapes, as iptables-save writes comments) become one unquoted word.
 */
export function parseSavedTable(text: string): SavedNatTable {
  const chains = new Set<string>();
  const rules: SavedRule[] = [];
  let inNat = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('*')) {
      inNat = line === '*nat';
    } else if (line === 'COMMIT') {
      inNat = false;
    } else if (inNat && line.startsWith(':')) {
      const name = line.slice(1).split(/\s+/, 1)[0];
      if (name) chains.add(name);
    } else if (inNat && line.startsWith('-A ')) {
      const words = splitSaveWords(line);
      const chain = words[1];
      if (chain !== undefined) rules.push({ chain, spec: words.slice(2) });
    }
  }
  return { chains, rules };
}

/** The rules of `chain`, in order. */
export function rulesOf(table: SavedNatTable, chain: string): SavedRule[] {
  return table.rules.filter((r) => r.chain === chain);
}

/** True when `rule` jumps to `target` (`-j target` or `--jump target`). */
export function jumpsTo(rule: SavedRule, target: string): boolean {
  const { spec } = rule;
  for (let i = 0; i + 1 < spec.length; i++) {
    if ((spec[i] === '-j' || spec[i] === '--jump') && spec[i + 1] === target) return true;
  }
  return false;
}

/** Splits one saved line into words, honouring double quotes and backslash escapes inside them. */
export function splitSaveWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '\\' && i + 1 < line.length) word += line[++i];
      else if (c === '"') quoted = false;
      else word += c;
    } else if (c === '"') {
      quoted = true;
      inWord = true;
    } else if (c === ' ' || c === '\t') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}
