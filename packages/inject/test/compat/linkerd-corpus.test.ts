import { describe, expect, it } from 'vitest';
import { INJECT_FLAGS } from '../../src/cli/inject-flags.js';
import { type CliInjectInput, resolveCliInjectConfig } from '../../src/cli/resolve-cli-config.js';
import { transformManifests } from '../../src/stream/transform-manifests.js';
import { Injector } from '../../src/transform/injector.js';
import { baseLayers, type CorpusCase, corpusText, loadCorpus, structuralDocuments } from './corpus.js';

const corpus = loadCorpus();

/** Reads a case's `args` with the flag table the CLI uses (a value follows unless the flag is boolean). */
function argsInput(args: readonly string[]): Pick<CliInjectInput, 'flags' | 'sets'> {
  const flags: Record<string, string | boolean> = {};
  const sets: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = args[i]!.replace(/^--/, '');
    if (name === 'set') {
      sets.push(args[++i]!);
      continue;
    }
    const flag = INJECT_FLAGS.find((x) => x.name === name);
    if (flag === undefined) throw new Error(`unknown flag in cases.json: ${args[i]}`);
    flags[name] = flag.placeholder === undefined ? true : args[++i]!;
  }
  return { flags, sets };
}

function run(c: CorpusCase) {
  const config = resolveCliInjectConfig({ valuesFiles: baseLayers(corpus, c), ...argsInput(c.args ?? []) });
  const injector = new Injector({ values: config.values, origin: 'cli', createdBy: 'skein/cli test' });
  const result = transformManifests(corpusText(c.input), {
    injector,
    mode: c.mode,
    annotations: config.annotations,
    source: c.input,
  });
  return { config, result };
}

describe('Linkerd injector corpus (../shared/compat/linkerd-inject)', () => {
  it('has cases', () => {
    expect(corpus.cases.length).toBeGreaterThan(30);
  });

  it.each(corpus.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { result } = run(c);
    expect(result.errors.length > 0 ? 1 : 0, result.errors.join('\n')).toBe(c.exitCode);
    if (c.expected !== null) {
      expect(structuralDocuments(result.output)).toEqual(structuralDocuments(corpusText(c.expected)));
    }
  });

  it.each(corpus.cases.filter((c) => c.overrides !== undefined).map((c) => [c.name, c] as const))(
    '%s: the overrides as a values tree inject exactly as the args do',
    (_name, c) => {
      const fromArgs = run(c);
      const config = resolveCliInjectConfig({ valuesFiles: baseLayers(corpus, c), overrides: [c.overrides] });
      expect(config.annotations).toEqual(fromArgs.config.annotations);
      const injector = new Injector({ values: config.values, origin: 'cli', createdBy: 'skein/cli test' });
      const result = transformManifests(corpusText(c.input), {
        injector,
        mode: c.mode,
        annotations: config.annotations,
      });
      expect(result.output).toBe(fromArgs.result.output);
    },
  );
});
