import type { Command } from 'commander';
import type { CliIO } from '../cli-io.js';
import type { SkeinCommand } from './registry.js';

interface Node {
  path: string[];
  subcommands: string[];
  flags: string[];
}

function walk(cmd: Command, path: string[], out: Node[]): void {
  const flags = cmd.options.flatMap((o) => [o.long, o.short].filter((f): f is string => f !== undefined));
  out.push({ path, subcommands: cmd.commands.map((c) => c.name()), flags: [...flags, '--help'] });
  for (const sub of cmd.commands) walk(sub, [...path, sub.name()], out);
}

const KINDS = 'deploy sts ds job cronjob rs rc po svc ns au';

/** A bash completion script for the program (also loadable by zsh with `bashcompinit`). */
export function bashCompletion(program: Command): string {
  const nodes: Node[] = [];
  walk(program, [], nodes);
  const cases = nodes
    .map((n) => `    "${n.path.join(' ')}") words="${[...n.subcommands, ...n.flags].join(' ')}" ;;`)
    .join('\n');
  return `# skein bash completion: source <(skein completion bash)
_skein() {
  local cur path="" i w words
  cur="\${COMP_WORDS[COMP_CWORD]}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    [[ "$w" == -* ]] && continue
    case " $(_skein_children "$path") " in *" $w "*) path="\${path:+$path }$w" ;; esac
  done
  case "$path" in
${cases}
    *) words="" ;;
  esac
  case "$path" in stat|tap|top|routes|edges|"diagnostics proxy-metrics") words="$words ${KINDS}" ;; esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
_skein_children() {
  case "$1" in
${nodes.map((n) => `    "${n.path.join(' ')}") echo "${n.subcommands.join(' ')}" ;;`).join('\n')}
  esac
}
complete -F _skein skein
`;
}

/** A zsh completion script (wraps the bash one through bashcompinit). */
export function zshCompletion(program: Command): string {
  return `# skein zsh completion: source <(skein completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bashCompletion(program)}`;
}

/** A fish completion script: commands and each command's flags. */
export function fishCompletion(program: Command, descriptions = true): string {
  const d = (text: string) => (descriptions ? ` -d ${JSON.stringify(text)}` : '');
  const lines = ['# skein fish completion: skein completion fish | source'];
  for (const sub of program.commands) {
    lines.push(`complete -c skein -n '__fish_use_subcommand' -a ${sub.name()}${d(sub.description())}`);
    for (const o of sub.options) {
      if (o.long === undefined) continue;
      lines.push(
        `complete -c skein -n '__fish_seen_subcommand_from ${sub.name()}' -l ${o.long.slice(2)}${d(o.description)}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** `skein completion bash|zsh|fish`. */
export const completionCommand: SkeinCommand = {
  name: 'completion',
  register(program, io: CliIO) {
    program
      .command('completion')
      .description('Output shell completion code for bash, zsh or fish.')
      .argument('<shell>', 'bash, zsh or fish')
      .option('--no-descriptions', 'leave out command and flag descriptions (fish)')
      .action((shell: string, flags: { descriptions: boolean }) => {
        if (shell === 'bash') io.stdout(bashCompletion(program));
        else if (shell === 'zsh') io.stdout(zshCompletion(program));
        else if (shell === 'fish') io.stdout(fishCompletion(program, flags.descriptions));
        else throw new Error(`completion: unknown shell "${shell}"; expected bash, zsh or fish`);
      });
  },
};
