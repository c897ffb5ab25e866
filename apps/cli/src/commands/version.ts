import type { CliIO } from '../cli-io.js';
import type { SkeinCommand } from './registry.js';
import { addControllerOptions, controllerClient, type VizFlags } from './viz/viz-options.js';

/** `skein version [--client] [--proxy]`: client and control-plane versions. */
export const versionCommand: SkeinCommand = {
  name: 'version',
  register(program, io: CliIO) {
    const clientVersion = program.version() ?? 'unknown';
    const cmd = program
      .command('version')
      .description('Print the client and server version information.')
      .option('--client', 'print the client version only')
      .option('--short', 'print the version number(s) only')
      .option('--proxy', "print the data-plane proxies' versions");
    addControllerOptions(cmd).action(
      async (flags: VizFlags & { client?: boolean; short?: boolean; proxy?: boolean }) => {
        io.stdout(flags.short ? `${clientVersion}\n` : `Client version: ${clientVersion}\n`);
        if (flags.client) return;
        let server = 'unavailable';
        try {
          const client = await controllerClient(flags);
          server = (await client.getJson<{ version: string }>('/api/version')).version;
        } catch (err) {
          io.stderr(`${(err as Error).message}\n`);
        }
        io.stdout(flags.short ? `${server}\n` : `Server version: ${server}\n`);
        if (flags.proxy && server !== 'unavailable') {
          const client = await controllerClient(flags);
          const { pods } = await client.getJson<{ pods: { name: string; meshed: boolean }[] }>('/api/pods', {
            allNamespaces: 'true',
          });
          const versions = new Set<string>();
          for (const p of pods.filter((x) => x.meshed)) {
            const ns = (p as { namespace?: string }).namespace ?? 'default';
            const text = await client.getText(`/api/pods/${ns}/${p.name}/metrics`).catch(() => '');
            const m = /^proxy_build_info\{[^}]*version="([^"]*)"/m.exec(text);
            if (m !== null) versions.add(m[1]!);
          }
          io.stdout(`Proxy versions:\n${[...versions].map((v) => `\t${v}`).join('\n') || '\tunavailable'}\n`);
        }
      },
    );
  },
};
