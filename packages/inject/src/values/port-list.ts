/** One item of a port list: a single port, an inclusive range, or a container port name. */
export type PortListItem =
  | { readonly kind: 'port'; readonly port: number }
  | { readonly kind: 'range'; readonly from: number; readonly to: number }
  | { readonly kind: 'name'; readonly name: string };

const PORT = /^\d{1,5}$/;
const RANGE = /^(\d{1,5})-(\d{1,5})$/;
const PORT_NAME = /^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/;

function port(text: string): number | undefined {
  if (!PORT.test(text)) return undefined;
  const n = Number(text);
  return n >= 1 && n <= 65535 ? n : undefined;
}

/** Parses one item; returns a problem description when it is not valid. */
export function parsePortListItem(text: string, allowNames: boolean): PortListItem | string {
  const single = port(text);
  if (single !== undefined) return { kind: 'port', port: single };
  const m = RANGE.exec(text);
  if (m !== null) {
    const from = port(m[1]!);
    const to = port(m[2]!);
    if (from === undefined || to === undefined) return `${JSON.stringify(text)} has a port outside 1-65535`;
    if (to < from) return `${JSON.stringify(text)} ends before it starts`;
    return { kind: 'range', from, to };
  }
  if (allowNames && PORT_NAME.test(text) && /[a-z]/.test(text)) return { kind: 'name', name: text };
  return `${JSON.stringify(text)} is not a port (1-65535)${allowNames ? ', a range (8000-8100) or a port name' : ' or a range (8000-8100)'}`;
}

/**
 * Parses a comma-separated port list (`22,8100-8102`, or with names `3306,mysql`). Blank items
 * are ignored, as Linkerd ignores them.
 *
 * @returns the items, or a problem description.
 */
export function parsePortList(text: string, allowNames: boolean): PortListItem[] | string {
  const items: PortListItem[] = [];
  for (const raw of text.split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    const parsed = parsePortListItem(item, allowNames);
    if (typeof parsed === 'string') return parsed;
    items.push(parsed);
  }
  return items;
}

/** True when `port` is one of the items (names never match a number). */
export function portListContains(items: readonly PortListItem[], port: number): boolean {
  for (const item of items) {
    if (item.kind === 'port' && item.port === port) return true;
    if (item.kind === 'range' && port >= item.from && port <= item.to) return true;
  }
  return false;
}
