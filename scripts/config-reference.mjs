#!/usr/bin/env node
// Generates docs/reference/configuration.md from the code: the proxy's environment variables
// (PROXY_ENV_REFERENCE in @skein/proxy), the injector's annotations (@skein/inject), the flags of
// `skein` (its commander program, walked) and of every app (their usage tables or commander
// programs). Run after `npm run build` (it imports the packages' dist):
//
//   node scripts/config-reference.mjs           writes the file
//   node scripts/config-reference.mjs --check   exits 1 when the committed file is out of date
//
// Apps are not libraries and export no API, so their sources are imported directly (Node runs
// TypeScript; a resolve hook maps their `./x.js` imports to `./x.ts`).

import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire, registerHooks } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'docs/reference/configuration.md');
const APPS = join(ROOT, 'apps');

registerHooks({
  resolve(specifier, context, next) {
    try {
      return next(specifier, context);
    } catch (err) {
      const fromAppSource = context.parentURL?.startsWith(pathToFileURL(APPS).href) === true;
      if (fromAppSource && specifier.startsWith('.') && specifier.endsWith('.js')) {
        return next(`${specifier.slice(0, -3)}.ts`, context);
      }
      throw err;
    }
  },
});

/** Imports a package as the workspace resolves it (its built dist). */
function importPackage(name) {
  const require = createRequire(join(ROOT, 'package.json'));
  const pkgDir = dirname(require.resolve(`${name}/package.json`));
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  return import(pathToFileURL(join(pkgDir, pkg.exports['.'].import)).href);
}

// ---------------------------------------------------------------------------- markdown helpers

/** A table cell: one line, pipes escaped. */
function cell(text) {
  return String(text).replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

function code(text) {
  if (text === undefined || text === null || text === '') return '';
  const s = String(text);
  return s.includes('`') ? `\`\` ${s} \`\`` : `\`${s}\``;
}

function table(header, rows) {
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const row of rows) lines.push(`| ${row.map(cell).join(' | ')} |`);
  return lines.join('\n');
}

// ---------------------------------------------------------------------------- proxy environment

const SCOPE_TITLES = {
  general: 'General',
  outbound: 'Outbound (from the application)',
  inbound: 'Inbound (to the application)',
  destination: 'Destination service (discovery and profiles)',
  policy: 'Policy service (inbound authorization)',
  identity: 'Identity (mTLS certificates)',
};

async function proxyEnvSection() {
  const { PROXY_ENV_REFERENCE } = await importPackage('@skein/proxy');
  const row = (v) => [
    code(v.name),
    v.kind === 'one-of' ? v.values.map(code).join(', ') : v.kind,
    v.default === undefined ? '' : v.default === '' ? '`""`' : code(v.default),
    v.effect === 'validated' ? `${v.description} *(validated only)*` : v.description,
  ];
  const header = ['variable', 'syntax', 'default', 'meaning'];
  const out = [
    '## Proxy environment variables',
    '',
    "`skein-proxy` reads linkerd2-proxy's variables with their names, syntax and defaults, so the",
    'pod spec `linkerd inject` or `skein inject` writes works unchanged; Skein additions are',
    '`SKEIN_PROXY_*`. Durations are `<n>ms|s|m|h|d`; port lists `80,8000-8100`; an unset',
    'variable takes the default, and every malformed value is reported at start, naming the',
    'variable, the value and the expected form. *Validated only*: read and checked like',
    'linkerd2-proxy, without effect in Skein yet.',
    '',
    `Source: \`PROXY_ENV_REFERENCE\` in [\`packages/proxy/src/config/env-reference.ts\`](../../packages/proxy/src/config/env-reference.ts), tested against \`readProxyConfig\`.`,
  ];
  for (const [scope, title] of Object.entries(SCOPE_TITLES)) {
    const rows = PROXY_ENV_REFERENCE.filter((v) => v.origin === 'linkerd' && v.scope === scope);
    if (rows.length === 0) continue;
    out.push('', `### ${title}`, '', table(header, rows.map(row)));
  }
  out.push(
    '',
    '### Skein additions',
    '',
    table(header, PROXY_ENV_REFERENCE.filter((v) => v.origin === 'skein').map(row)),
  );
  out.push('', ...(await injectedButIgnored(PROXY_ENV_REFERENCE)));
  return out.join('\n');
}

/** Variables the injector writes into the proxy container that skein-proxy does not read. */
async function injectedButIgnored(reference) {
  const { Injector, resolveValues } = await importPackage('@skein/inject');
  const anchors = '-----BEGIN CERTIFICATE-----\nZXhhbXBsZQ==\n-----END CERTIFICATE-----\n';
  const injector = new Injector({ values: resolveValues([{ identityTrustAnchorsPEM: anchors }]).values });
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { containers: [{ name: 'web', image: 'web:1', ports: [{ containerPort: 8080 }] }] },
  };
  const { object } = injector.inject(pod);
  const spec = object.spec;
  const proxy = [...(spec.initContainers ?? []), ...spec.containers].find((c) => c.name === 'linkerd-proxy');
  const read = new Set(reference.map((v) => v.name));
  const names = [...new Set(proxy.env.map((e) => e.name))].sort();
  // `_pod_*`/`_l5d_*` only exist for Kubernetes to build other values from with `$(…)`.
  const helpers = names.filter((n) => n.startsWith('_'));
  const ignored = names.filter((n) => !n.startsWith('_') && !read.has(n));
  return [
    '### Set by the injector, not read by `skein-proxy`',
    '',
    'The proxy container `skein inject` renders for a plain pod (default values) also sets these',
    'linkerd2-proxy variables, for features Skein does not implement yet; `skein-proxy` ignores',
    'them, so the same pod spec works with either proxy:',
    '',
    ignored.map(code).join(', '),
    '',
    `Helper variables that other values are built from (\`$(_pod_ns)\`): ${helpers.map(code).join(', ')}.`,
  ];
}

// ---------------------------------------------------------------------------- annotations

/**
 * Meaning of the annotations that have no `skein inject` flag (flags carry their own help).
 * The generator fails when an annotation has neither, or when an entry here matches nothing.
 */
const ANNOTATION_HELP = {
  'config.linkerd.io/debug-image': 'image of the debug sidecar',
  'config.linkerd.io/debug-image-version': 'tag of the debug sidecar image',
  'config.linkerd.io/debug-image-pull-policy': 'pull policy of the debug sidecar image',
  'config.linkerd.io/pod-inbound-ports':
    "the pod's inbound ports, given to the proxy as `LINKERD2_PROXY_INBOUND_PORTS`",
  'config.linkerd.io/proxy-cpu-ratio-limit':
    'proxy worker cores as a share of the node CPUs (`LINKERD2_PROXY_CORES_MAX_RATIO`)',
  'config.linkerd.io/proxy-log-http-headers': '`insecure` lets the proxy log HTTP headers',
  'config.linkerd.io/access-log': 'proxy access log format (`apache` or `json`)',
  'config.linkerd.io/proxy-admin-shutdown': 'enables the admin `/shutdown` endpoint (`enabled`/`disabled`)',
  'config.linkerd.io/proxy-outbound-connect-timeout': 'outbound connect timeout of the proxy',
  'config.linkerd.io/proxy-inbound-connect-timeout': 'inbound connect timeout of the proxy',
  'config.linkerd.io/proxy-outbound-discovery-cache-unused-timeout':
    'how long an unused outbound target is kept',
  'config.linkerd.io/proxy-inbound-discovery-cache-unused-timeout':
    'how long an unused inbound target is kept',
  'config.linkerd.io/proxy-disable-outbound-protocol-detect-timeout':
    'outbound connections that time out in protocol detection are forwarded as TCP instead of failing',
  'config.linkerd.io/proxy-disable-inbound-protocol-detect-timeout':
    'inbound connections that time out in protocol detection are forwarded as TCP instead of failing',
  'config.linkerd.io/shutdown-grace-period': "the proxy's shutdown grace period",
  'config.linkerd.io/proxy-metrics-hostname-labels': 'adds hostname labels to outbound metrics',
  'config.linkerd.io/enable-gateway': 'configures the proxy as a multicluster gateway',
  'config.linkerd.io/proxy-await':
    'the application starts only once the proxy is ready (`enabled`/`disabled`)',
  'config.alpha.linkerd.io/proxy-enable-native-sidecar':
    'older name of `config.linkerd.io/proxy-enable-native-sidecar`',
  'config.beta.linkerd.io/proxy-enable-native-sidecar':
    'older name of `config.linkerd.io/proxy-enable-native-sidecar`',
  'config.linkerd.io/proxy-additional-env':
    'extra proxy environment variables, as a JSON list of `{name, value}`',
  'config.linkerd.io/close-wait-timeout': "conntrack's CLOSE_WAIT timeout set by the init container",
};

function formatDefault(value) {
  if (value === undefined || value === null || value === '') return '';
  if (Array.isArray(value)) return value.length === 0 ? '' : code(JSON.stringify(value));
  return code(typeof value === 'object' ? JSON.stringify(value) : String(value));
}

async function annotationsSection() {
  const { ANNOTATION_SPECS, INJECT_FLAGS, Annotation, Label, InjectMode, defaultValues, getValueAt } =
    await importPackage('@skein/inject');
  const defaults = defaultValues();
  const used = new Set();
  const rows = ANNOTATION_SPECS.map((spec) => {
    const flag = INJECT_FLAGS.find(
      (f) => (spec.valuePath !== undefined && f.path === spec.valuePath) || f.annotation === spec.name,
    );
    const help = ANNOTATION_HELP[spec.name] ?? flag?.description;
    if (ANNOTATION_HELP[spec.name] !== undefined) used.add(spec.name);
    if (help === undefined) throw new Error(`no description for ${spec.name}: add it to ANNOTATION_HELP`);
    return [
      code(spec.name),
      help,
      spec.valuePath === undefined ? '' : formatDefault(getValueAt(defaults, spec.valuePath)),
      spec.valuePath === undefined ? '' : code(spec.valuePath),
      flag === undefined ? '' : code(`--${flag.name}`),
      spec.inherit ? 'yes' : 'no',
    ];
  });
  const stale = Object.keys(ANNOTATION_HELP).filter((name) => !used.has(name));
  if (stale.length > 0) throw new Error(`ANNOTATION_HELP names unknown annotations: ${stale.join(', ')}`);
  const names = (obj) =>
    Object.entries(obj)
      .map(([key, value]) => `${code(value)} (${key})`)
      .join(', ');
  return [
    '## Injector annotations',
    '',
    "Set on a workload's pod template (or its namespace, for the inherited ones) to override the",
    "installation's values for that workload; `skein inject` flags write the same annotations. An",
    'invalid value is reported and ignored. Defaults are the chart defaults of `@skein/inject`',
    "(an installation's values replace them).",
    '',
    'Source: `ANNOTATION_SPECS`, `INJECT_FLAGS` and `defaultValues()` of [`@skein/inject`](../../packages/inject).',
    '',
    table(
      ['annotation', 'meaning', 'default', 'values path', '`skein inject` flag', 'inherited from namespace'],
      rows,
    ),
    '',
    `Other annotations the injector reads or writes: ${names(Annotation)}; \`linkerd.io/inject\` takes ${Object.values(InjectMode).map(code).join(', ')}.`,
    '',
    `Labels: ${names(Label)}.`,
  ].join('\n');
}

// ---------------------------------------------------------------------------- commander programs

/** Runs `load` with commander's parse stubbed out, returning the first program it tries to parse. */
async function captureCommander(appDir, load) {
  const require = createRequire(join(appDir, 'package.json'));
  const { Command } = require('commander');
  const saved = { parse: Command.prototype.parse, parseAsync: Command.prototype.parseAsync };
  const captured = { program: undefined };
  const stop = function () {
    captured.program = this;
    throw captured;
  };
  Command.prototype.parse = stop;
  Command.prototype.parseAsync = stop;
  try {
    await load();
  } catch (err) {
    if (err !== captured) throw err;
  } finally {
    Command.prototype.parse = saved.parse;
    Command.prototype.parseAsync = saved.parseAsync;
  }
  if (captured.program === undefined) throw new Error(`no commander program parsed in ${appDir}`);
  return captured.program;
}

function optionDefault(option) {
  if (option.defaultValueDescription !== undefined) return code(option.defaultValueDescription);
  return formatDefault(option.defaultValue);
}

function optionRows(command) {
  return command.options
    .filter((o) => !o.hidden)
    .map((o) => [
      code(o.flags),
      `${o.description}${o.argChoices ? ` (${o.argChoices.map((c) => (c === '' ? '`""`' : code(c))).join(', ')})` : ''}`,
      optionDefault(o),
      code(o.envVar),
    ]);
}

/** Flags as a table; the environment column only when some flag has a variable. */
function optionTable(rows) {
  if (rows.some((r) => r[3] !== '')) return table(['flag', 'meaning', 'default', 'environment'], rows);
  return table(
    ['flag', 'meaning', 'default'],
    rows.map((r) => r.slice(0, 3)),
  );
}

function usageLine(path, command) {
  const args = command.registeredArguments.map((a) => {
    const name = `${a.name()}${a.variadic ? '...' : ''}`;
    return a.required ? `<${name}>` : `[${name}]`;
  });
  return [path, ...args, command.options.length > 0 ? '[flags]' : ''].filter(Boolean).join(' ');
}

function commandSection(path, command, level) {
  const out = [`${'#'.repeat(level)} \`${path}\``, ''];
  // A multi-line description is a summary followed by examples: the examples go in a block.
  const [summary, ...rest] = command.description().split('\n');
  if (summary) out.push(summary, '');
  const examples = rest.map((l) => l.replace(/^ {2}/, '')).filter((l) => l.trim() !== '');
  if (examples.length > 0) out.push('```sh', ...examples, '```', '');
  out.push(`Usage: \`${usageLine(path, command)}\``);
  const args = command.registeredArguments.filter((a) => a.description);
  if (args.length > 0) {
    out.push(
      '',
      table(
        ['argument', 'meaning'],
        args.map((a) => [code(a.name()), a.description]),
      ),
    );
  }
  const rows = optionRows(command);
  if (rows.length > 0) out.push('', optionTable(rows));
  for (const sub of command.commands.filter((c) => !c._hidden && c.name() !== 'help')) {
    out.push('', commandSection(`${path} ${sub.name()}`, sub, Math.min(level + 1, 6)));
  }
  return out.join('\n');
}

async function cliSection() {
  const { createProgram } = await import(pathToFileURL(join(APPS, 'cli/src/program.ts')).href);
  const io = { stdout() {}, stderr() {}, readStdin: async () => '', setExitCode() {} };
  const program = createProgram(io, '0.0.0');
  const commands = program.commands.filter((c) => !c._hidden);
  return [
    '## `skein` command line',
    '',
    "Linkerd's command and flag names (`linkerd inject` → `skein inject`). Source: the commander",
    'program of [`apps/cli`](../../apps/cli), walked command by command.',
    '',
    commands.map((c) => `[\`${c.name()}\`](#skein-${c.name()})`).join(' · '),
    '',
    commands.map((c) => commandSection(`skein ${c.name()}`, c, 3)).join('\n\n'),
  ].join('\n');
}

// ---------------------------------------------------------------------------- apps

/** Parses the usage text of apps whose flags are a `[flag, env, help, default]` table. */
function parseUsage(app, text) {
  const rows = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || /^(usage:|Options:|skein-[a-z-]+:)/.test(line)) continue;
    let m = /^ {2}(--?[a-z0-9-]+)\s+(.*?) \[\$([A-Z0-9_]+)\](?: \(default (.*)\))?$/.exec(line);
    if (m !== null) {
      rows.push([code(m[1]), m[2], code(m[4]), code(m[3])]);
      continue;
    }
    m = /^ {2}(--[a-z0-9-]+)\s+env (\S+)\s+default (.*)$/.exec(line);
    if (m !== null) {
      rows.push([code(m[1]), '', m[3] === '(unset)' ? '' : code(m[3]), code(m[2])]);
      continue;
    }
    m = /^ {2}([A-Z0-9_]+) \(env only\): (.*)$/.exec(line);
    if (m !== null) {
      rows.push(['', m[2], '', code(m[1])]);
      continue;
    }
    throw new Error(`${app}: cannot read this usage line, update scripts/config-reference.mjs: ${line}`);
  }
  if (rows.length === 0) throw new Error(`${app}: no flags found in its usage text`);
  return rows;
}

const APP_SOURCES = [
  {
    bin: 'skein-destination',
    dir: 'destination',
    what: 'Destination service (`Get`, `GetProfile`) and the inbound policy API, from Kubernetes or a static discovery file.',
    usage: 'src/config.ts',
  },
  {
    bin: 'skein-identity',
    dir: 'identity',
    what: 'Identity service: the CA behind `Certify`.',
    usage: 'src/config.ts',
  },
  {
    bin: 'skein-proxy-injector',
    dir: 'proxy-injector',
    what: 'Mutating admission webhook injecting the proxy.',
    commander: async (dir) =>
      (await import(pathToFileURL(join(dir, 'src/options.ts')).href)).parseOptions([], '0'),
  },
  {
    bin: 'skein-sp-validator',
    dir: 'sp-validator',
    what: 'Validating admission webhook for ServiceProfiles.',
    commander: async (dir) => import(pathToFileURL(join(dir, 'src/main.ts')).href),
  },
  {
    bin: 'skein-controller',
    dir: 'controller',
    what: 'The public API behind `skein stat/top/routes/edges` and the dashboard (metrics queries, inventory).',
    usage: 'src/config.ts',
  },
  {
    bin: 'skein-tap',
    dir: 'tap',
    what: 'Tap aggregator: fans `skein tap` out to the proxies.',
    usage: 'src/config.ts',
  },
  { bin: 'skein-web', dir: 'web', what: 'The dashboard.', usage: 'src/server/web-config.ts' },
  {
    bin: 'skein-heartbeat',
    dir: 'heartbeat',
    what: 'Daily heartbeat report (a CronJob).',
    commander: async (dir) =>
      (await import(pathToFileURL(join(dir, 'src/options.ts')).href)).parseOptions([], '0'),
  },
  {
    bin: 'skein-proxy-init',
    dir: 'proxy-init',
    what: "Init container configuring the pod's iptables (linkerd2-proxy-init's flags).",
    program: async (dir) =>
      (await import(pathToFileURL(join(dir, 'src/cli-flags.ts')).href)).buildProgram({
        writeOut() {},
        writeErr() {},
      }),
  },
];

async function appsSection() {
  const out = [
    '## Control-plane and data-plane apps',
    '',
    'Every flag can also be set through the environment variable shown (a flag wins over its',
    'variable, which wins over the default). `skein install` renders these settings into the',
    'Deployments. `skein-proxy` is configured by environment only: see',
    '[Proxy environment variables](#proxy-environment-variables).',
  ];
  for (const app of APP_SOURCES) {
    const dir = join(APPS, app.dir);
    let rows;
    if (app.usage !== undefined) {
      const { usage } = await import(pathToFileURL(join(dir, app.usage)).href);
      rows = parseUsage(app.bin, usage());
    } else {
      const program =
        app.program !== undefined
          ? await app.program(dir)
          : await captureCommander(dir, () => app.commander(dir));
      rows = optionRows(program);
    }
    out.push(
      '',
      `### \`${app.bin}\``,
      '',
      `${app.what} Source: [\`apps/${app.dir}\`](../../apps/${app.dir}).`,
      '',
      optionTable(rows),
    );
  }
  return out.join('\n');
}

// ---------------------------------------------------------------------------- main

const sections = [
  [
    '# Configuration reference',
    '',
    '<!-- Generated by `npm run docs:config` (scripts/config-reference.mjs) from the code. Do not edit by hand. -->',
    '',
    'Everything that configures Skein, generated from the code that reads it:',
    '',
    '- [Proxy environment variables](#proxy-environment-variables) (`LINKERD2_PROXY_*`, `SKEIN_PROXY_*`)',
    '- [Injector annotations](#injector-annotations) (`config.linkerd.io/*`)',
    '- [`skein` command line](#skein-command-line)',
    '- [Control-plane and data-plane apps](#control-plane-and-data-plane-apps)',
  ].join('\n'),
  await proxyEnvSection(),
  await annotationsSection(),
  await cliSection(),
  await appsSection(),
];
const text = `${sections.join('\n\n')}\n`;

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(OUT, 'utf8');
  } catch {}
  if (current !== text) {
    process.stderr.write(
      'docs/reference/configuration.md is out of date: run `npm run docs:config` and commit the result\n',
    );
    process.exit(1);
  }
  process.stdout.write('docs/reference/configuration.md is up to date\n');
} else {
  writeFileSync(OUT, text);
  process.stdout.write(`wrote ${OUT.slice(ROOT.length)}\n`);
}
