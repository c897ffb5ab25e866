// Checks the hand-written docs (docs/README.md, getting-started, compatibility, architecture and
// the guides written with the examples): every relative link and anchor resolves, every
// ServiceProfile passes the sp-validator's rules, and every TypeScript sample is real code quoted
// from the file its first line names. Hosted here with the configuration reference check.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateServiceProfile } from '@skein/core';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DOCS = [
  'docs/README.md',
  'docs/getting-started.md',
  'docs/compatibility.md',
  'docs/architecture.md',
  ...[
    'mtls',
    'load-balancing',
    'service-profiles',
    'tap',
    'injection',
    'running-on-kubernetes',
    'plugins',
  ].map((g) => `docs/guides/${g}.md`),
];
// Written by the local-mesh work (`skein demo`), landing separately.
const PENDING = new Set(['docs/guides/local-mesh.md']);

interface Block {
  readonly lang: string;
  readonly text: string;
}

function codeBlocks(markdown: string): Block[] {
  return [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1]!, text: m[2]! }));
}

/** Markdown without its fenced blocks and code spans, where links are looked for. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's heading anchors of a markdown file. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of markdown.replace(/^```[\s\S]*?^```$/gm, '').matchAll(/^#{1,6} (.+)$/gm)) {
    const base = m[1]!
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

describe.each(DOCS)('%s', (doc) => {
  const path = join(ROOT, doc);
  const markdown = readFileSync(path, 'utf8');

  it('links only to files and headings that exist', () => {
    const broken: string[] = [];
    for (const m of prose(markdown).matchAll(/\]\(([^)\s]+)\)/g)) {
      const link = m[1]!;
      if (/^[a-z]+:/.test(link)) continue;
      const [target = '', anchor] = link.split('#');
      const file = target === '' ? path : resolve(dirname(path), target);
      if (PENDING.has(relative(ROOT, file))) continue;
      if (!existsSync(file)) {
        broken.push(link);
        continue;
      }
      if (anchor !== undefined && file.endsWith('.md') && !anchors(readFileSync(file, 'utf8')).has(anchor)) {
        broken.push(link);
      }
    }
    expect(broken).toEqual([]);
  });

  it('has ServiceProfiles that pass the validator', () => {
    for (const block of codeBlocks(markdown).filter(
      (b) => b.lang === 'yaml' && /kind: ServiceProfile/.test(b.text),
    )) {
      expect(() => validateServiceProfile(parse(block.text))).not.toThrow();
    }
  });

  it('quotes its TypeScript samples from real files', () => {
    for (const block of codeBlocks(markdown).filter((b) => b.lang === 'ts')) {
      const [first = '', ...lines] = block.text.split('\n');
      const source = /^\/\/ from (\S+)$/.exec(first);
      expect(source, `a ts sample must start with "// from <path>":\n${block.text}`).not.toBeNull();
      const file = new Set(
        readFileSync(join(ROOT, source![1]!), 'utf8')
          .split('\n')
          .map((l) => l.trim()),
      );
      const missing = lines.map((l) => l.trim()).filter((l) => l !== '' && !file.has(l));
      expect(missing, `lines not found in ${source![1]}`).toEqual([]);
    }
  });
});

describe('the docs check', () => {
  it('finds anchors the way GitHub writes them', () => {
    expect(anchors('# `skein install`\n## Identity (mTLS certificates)\n## A\n## A\n')).toEqual(
      new Set(['skein-install', 'identity-mtls-certificates', 'a', 'a-1']),
    );
  });

  it('rejects a ServiceProfile with a bad route', () => {
    const bad = parse(
      'apiVersion: linkerd.io/v1alpha2\nkind: ServiceProfile\nmetadata: { name: a.b.svc.cluster.local }\nspec: { routes: [{ name: x }] }\n',
    );
    expect(() => validateServiceProfile(bad)).toThrow();
  });
});
