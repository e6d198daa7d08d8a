// This file writes static shell completion scripts (bash, zsh, fish) from the program's own commands and options.
import type { Command, Option } from 'commander';
import { PROVIDER_NAMES } from '../providers/registry.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

interface OptionSpec {
  long?: string;
  short?: string;
  takesValue: boolean;
  description: string;
}

interface CommandSpec {
  /** Words below `vupload`, e.g. ['auth', 'login']; [] for the program itself. */
  path: string[];
  description: string;
  options: OptionSpec[];
  subcommands: CommandSpec[];
  /** Its arguments are files (upload, batch, thumbnail, auth import; the program: the classic upload form). */
  takesFiles: boolean;
  /** The values its first argument takes, when they are fixed (`completion <shell>`). */
  argumentChoices: string[];
}

/** Values worth offering after these options (the flags check them; completion only suggests). */
const VALUE_CHOICES: Record<string, string[]> = {
  '--privacy': ['public', 'private', 'unlisted'],
  '--privacyStatus': ['public', 'private', 'unlisted'],
  '--on-quota': ['fail', 'wait'],
  '--license': ['youtube', 'creativeCommon'],
  '--provider': PROVIDER_NAMES,
  '--scope': ['upload'],
};

const FILE_COMMANDS = new Set(['', 'upload', 'batch', 'thumbnail', 'auth import']);

function optionSpec(option: Option): OptionSpec {
  return {
    ...(option.long ? { long: option.long } : {}),
    ...(option.short ? { short: option.short } : {}),
    takesValue: option.required || option.optional,
    description: option.description,
  };
}

/** The program as completion sees it; `help` and hidden options are left out. */
export function describeProgram(program: Command, path: string[] = []): CommandSpec {
  const options = program.options.filter((o) => !o.hidden).map(optionSpec);
  return {
    path,
    description: program.description(),
    options,
    subcommands: program.commands
      .filter((c) => c.name() !== 'help')
      .map((c) => describeProgram(c, [...path, c.name()])),
    takesFiles: FILE_COMMANDS.has(path.join(' ')),
    argumentChoices: program.registeredArguments[0]?.argChoices ?? [],
  };
}

function flatten(spec: CommandSpec): CommandSpec[] {
  return [spec, ...spec.subcommands.flatMap(flatten)];
}

const flagsOf = (options: OptionSpec[]): string[] =>
  options.flatMap((o) => [o.long, o.short].filter((f): f is string => f !== undefined));

/** `help` is a command too (`vupload help status`); a fixed argument's values come first. */
const wordsAfter = (spec: CommandSpec): string[] => [
  ...spec.argumentChoices,
  ...spec.subcommands.map((s) => s.path.at(-1)!),
  ...(spec.path.length === 0 ? ['help'] : []),
];

/**
 * The saved profiles at completion time: the login files of the config directory (src/paths.ts: $VUPLOAD_CONFIG_DIR,
 * else $XDG_CONFIG_HOME/vupload, else ~/.config/vupload; tokens/ for YouTube, youku-tokens/ for Youku), as shell.
 */
// biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a template.
const PROFILE_DIR_SH = '${VUPLOAD_CONFIG_DIR:-${XDG_CONFIG_HOME:-$HOME/.config}/vupload}';

const singleQuoted = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

export function completionScript(shell: Shell, program: Command): string {
  const root = describeProgram(program);
  const globals = root.options;
  if (shell === 'bash') return bashScript(root, globals);
  if (shell === 'zsh') return zshScript(root, globals);
  return fishScript(root, globals);
}

/** `case` lines that walk the words typed so far to the deepest command they name. */
function walkCases(root: CommandSpec, key: (parent: string, word: string) => string): string {
  const steps = flatten(root)
    .filter((c) => c.path.length > 0)
    .map((c) => singleQuoted(key(c.path.slice(0, -1).join(' '), c.path.at(-1)!)));
  return steps.join('|');
}

function choiceCases(indent: string, answer: (choices: string[]) => string): string {
  return Object.entries(VALUE_CHOICES)
    .map(([flag, choices]) => `${indent}${flag}) ${answer(choices)} ;;`)
    .join('\n');
}

function bashScript(root: CommandSpec, globals: OptionSpec[]): string {
  const globalFlags = flagsOf(globals);
  const commands = flatten(root).map((c) => {
    const flags = [...new Set([...flagsOf(c.options), ...globalFlags])];
    return `    ${singleQuoted(c.path.join(' '))}) words=${singleQuoted(wordsAfter(c).join(' '))}; flags=${singleQuoted(flags.join(' '))}; files=${c.takesFiles ? 1 : 0} ;;`;
  });
  return `# vupload completion for bash. Load it with:  source <(vupload completion bash)
# or install it:  vupload completion bash > ~/.local/share/bash-completion/completions/vupload
_vupload_completion() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" cmd="" word i words flags files
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    case "$cmd:$word" in
      ${walkCases(root, (parent, word) => `${parent}:${word}`)}) cmd="\${cmd:+$cmd }$word" ;;
    esac
  done
  case "$prev" in
${choiceCases('    ', (choices) => `COMPREPLY=($(compgen -W ${singleQuoted(choices.join(' '))} -- "$cur")); return`)}
    --profile)
      local dir="${PROFILE_DIR_SH}" file names=()
      for file in "$dir"/tokens/*.json "$dir"/youku-tokens/*.json; do
        [[ -e $file ]] && file="\${file##*/}" && names+=("\${file%.json}")
      done
      COMPREPLY=($(compgen -W "\${names[*]}" -- "$cur")); return ;;
  esac
  case "$cmd" in
${commands.join('\n')}
  esac
  # Flags once a dash is typed; else the command's words (subcommands, an argument's values) and files.
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
    return
  fi
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
  if [[ $files == 1 ]]; then
    COMPREPLY+=($(compgen -f -- "$cur"))
  fi
}
complete -o bashdefault -o default -F _vupload_completion vupload
`;
}

function zshScript(root: CommandSpec, globals: OptionSpec[]): string {
  const globalFlags = flagsOf(globals);
  const commands = flatten(root).map((c) => {
    const subs = [
      ...c.argumentChoices.map((choice) => singleQuoted(choice)),
      ...c.subcommands.map((s) => singleQuoted(`${s.path.at(-1)}:${s.description}`)),
    ];
    if (c.path.length === 0) subs.push(singleQuoted('help:display help for a command'));
    const flags = [...new Set([...flagsOf(c.options), ...globalFlags])];
    return `    ${singleQuoted(c.path.join(' '))}) subs=(${subs.join(' ')}); opts=(${flags.join(' ')}); files=${c.takesFiles ? 1 : 0} ;;`;
  });
  return `#compdef vupload
# vupload completion for zsh. Load it with:  source <(vupload completion zsh)   (after compinit)
# or install it as _vupload in a directory of $fpath.
_vupload() {
  local cmd="" word i files
  local -a subs opts
  for (( i = 2; i < CURRENT; i++ )); do
    word=\${words[i]}
    case "$cmd:$word" in
      ${walkCases(root, (parent, word) => `${parent}:${word}`)}) cmd="\${cmd:+$cmd }$word" ;;
    esac
  done
  case \${words[CURRENT-1]} in
${choiceCases('    ', (choices) => `compadd -- ${choices.join(' ')}; return`)}
    --profile)
      local dir=${PROFILE_DIR_SH}
      compadd -- $dir/tokens/*.json(N:t:r) $dir/youku-tokens/*.json(N:t:r); return ;;
  esac
  case $cmd in
${commands.join('\n')}
  esac
  if [[ \${words[CURRENT]} == -* ]]; then
    compadd -- $opts
  else
    (( \${#subs} )) && _describe -t commands 'vupload command' subs
    (( files )) && _files
  fi
}
if [[ \${zsh_eval_context[-1]} == loadautofunc ]]; then
  _vupload "$@"
else
  compdef _vupload vupload
fi
`;
}

function fishScript(root: CommandSpec, globals: OptionSpec[]): string {
  const fishQuoted = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const lines = [
    '# vupload completion for fish. Install it with:',
    '#   vupload completion fish > ~/.config/fish/completions/vupload.fish',
    'complete -c vupload -f',
    'function __vupload_profiles',
    '    set -l dir $VUPLOAD_CONFIG_DIR',
    '    if test -z "$dir"',
    '        set -l base $XDG_CONFIG_HOME',
    '        test -z "$base"; and set base $HOME/.config',
    '        set dir $base/vupload',
    '    end',
    '    for file in $dir/tokens/*.json $dir/youku-tokens/*.json',
    '        basename $file .json',
    '    end',
    'end',
  ];
  const optionLine = (condition: string, o: OptionSpec) => {
    const names = [o.long ? `-l ${o.long.slice(2)}` : '', o.short ? `-s ${o.short.slice(1)}` : ''].filter(
      Boolean,
    );
    const choices = o.long ? VALUE_CHOICES[o.long] : undefined;
    const value = choices
      ? ` -x -a ${fishQuoted(choices.join(' '))}`
      : o.long === '--profile'
        ? ` -x -a '(__vupload_profiles)'`
        : o.takesValue
          ? ' -r'
          : '';
    return `complete -c vupload${condition} ${names.join(' ')}${value} -d ${fishQuoted(o.description)}`;
  };
  for (const o of globals) lines.push(optionLine('', o));
  for (const c of flatten(root)) {
    const seen = c.path.map((w) => `__fish_seen_subcommand_from ${w}`);
    const here = c.path.length === 0 ? '__fish_use_subcommand' : seen.join('; and ');
    const next = c.subcommands.map((s) => s.path.at(-1)!);
    const atThisLevel =
      next.length > 0 && c.path.length > 0
        ? `${here}; and not __fish_seen_subcommand_from ${next.join(' ')}`
        : here;
    for (const s of c.subcommands) {
      lines.push(
        `complete -c vupload -n ${fishQuoted(atThisLevel)} -a ${s.path.at(-1)} -d ${fishQuoted(s.description)}`,
      );
    }
    if (c.path.length === 0)
      lines.push(`complete -c vupload -n '__fish_use_subcommand' -a help -d 'display help for a command'`);
    if (c.path.length > 0) for (const o of c.options) lines.push(optionLine(` -n ${fishQuoted(here)}`, o));
    if (c.takesFiles) lines.push(`complete -c vupload -n ${fishQuoted(here)} -F`);
    if (c.argumentChoices.length)
      lines.push(`complete -c vupload -n ${fishQuoted(here)} -a ${fishQuoted(c.argumentChoices.join(' '))}`);
  }
  return `${lines.join('\n')}\n`;
}
