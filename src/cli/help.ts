// This file shapes --help like gh's: upload's options in groups, the global flags each command honours, plain defaults.
import { type Command, Help, Option } from 'commander';

/** The global flags by option name (commander's attributeName). */
const G = {
  profile: 'profile',
  clientSecrets: 'clientSecrets',
  provider: 'provider',
  apiUrl: 'apiUrl',
  stateUrl: 'stateUrl',
  proxy: 'proxy',
  quiet: 'quiet',
  json: 'json',
  verbose: 'verbose',
} as const;
type GlobalName = (typeof G)[keyof typeof G];

const OUTPUT: GlobalName[] = [G.quiet, G.json, G.verbose];
/** Commands that call the API: every request they make goes through --proxy. */
const ACCOUNT: GlobalName[] = [G.profile, G.clientSecrets, G.apiUrl, G.proxy, ...OUTPUT];

/** Which global flags each command (by its path below `vupload`) reads; its --help lists exactly those. */
const HONOURED: Record<string, GlobalName[]> = {
  upload: Object.values(G),
  batch: Object.values(G),
  watch: Object.values(G),
  'auth login': [G.profile, G.clientSecrets, G.provider, G.proxy, ...OUTPUT],
  'auth status': ACCOUNT,
  'auth logout': [G.profile, G.clientSecrets, G.provider, G.proxy, ...OUTPUT],
  'auth import': [G.profile, G.clientSecrets, ...OUTPUT],
  'auth list': [G.clientSecrets, G.apiUrl, G.proxy, ...OUTPUT],
  update: ACCOUNT,
  thumbnail: ACCOUNT,
  status: [...ACCOUNT, G.provider],
  'playlist list': ACCOUNT,
  'playlist add': ACCOUNT,
  categories: ACCOUNT,
  history: [G.stateUrl, ...OUTPUT],
  quota: [G.profile, G.stateUrl, ...OUTPUT],
  'quota reset': [G.profile, G.stateUrl, ...OUTPUT],
  'state migrate': [G.stateUrl, ...OUTPUT],
  'state export': [G.stateUrl, ...OUTPUT],
  'state import': [G.stateUrl, ...OUTPUT],
};

/** upload's (and batch's) options by topic, in the order a person looks for them. */
export const UPLOAD_OPTION_GROUPS: Record<string, string[]> = {
  'Metadata:': [
    '--file',
    '--title',
    '--description',
    '--description-file',
    '--category',
    '--keywords',
    '--tags',
    '--default-language',
    '--default-audio-language',
    '--recording-date',
    '--localization',
    '--license',
    '--metadata',
  ],
  'Publishing:': [
    '--privacyStatus',
    '--privacy',
    '--publish-at',
    '--embeddable',
    '--no-embeddable',
    '--public-stats',
    '--no-public-stats',
    '--notify-subscribers',
    '--no-notify-subscribers',
  ],
  'Audience:': ['--made-for-kids', '--not-made-for-kids', '--synthetic-media', '--no-synthetic-media'],
  'After upload:': ['--thumbnail', '--playlist', '--create-playlist', '--caption', '--wait', '--open'],
  'Transfer:': ['--chunk-size', '--limit-rate', '--retries', '--time-budget', '--restart'],
  'Unattended:': [
    '--force',
    '--no-update',
    '--wait-lock',
    '--quota',
    '--on-quota',
    '--move-to',
    '--delete-after',
    '--concurrency',
  ],
  'Output:': ['--dry-run', '--log-file', '--help'],
};

const HEADING_ORDER = Object.keys(UPLOAD_OPTION_GROUPS);

/** Puts each option named in `groups` under its heading; options named nowhere stay under "Options:". */
export function groupOptions(command: Command, groups: Record<string, string[]>): void {
  const headingOf = new Map(
    Object.entries(groups).flatMap(([h, flags]) => flags.map((f) => [f, h] as const)),
  );
  for (const option of command.options) {
    const heading = option.long ? headingOf.get(option.long) : undefined;
    if (heading) option.helpGroup(heading);
  }
  const help = headingOf.get('--help');
  if (help) command.addHelpOption(new Option('-h, --help', 'display help for command').helpGroup(help));
}

/** `auth login`, `upload`: the command's words below the program. */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** The program's options a command honours, for the "Global options" part of its help. */
function honouredGlobals(command: Command): Option[] {
  const wanted = new Set<string>(HONOURED[commandPath(command)] ?? []);
  let root = command;
  while (root.parent) root = root.parent;
  return root.options.filter((o) => wanted.has(o.attributeName()) && !o.hidden);
}

/** Applied to every command: plain defaults (10, not "10"), and its honoured global flags in its help. */
export function configureHelp(command: Command): void {
  for (const option of command.options) {
    if (typeof option.defaultValue === 'string' && option.defaultValueDescription === undefined) {
      option.defaultValueDescription = option.defaultValue;
    }
  }
  command.configureHelp({
    showGlobalOptions: true,
    visibleGlobalOptions: (cmd: Command) => honouredGlobals(cmd),
    // Groups in the order UPLOAD_OPTION_GROUPS gives, not in the order the options happen to be declared.
    groupItems<T extends Command | Option>(unsorted: T[], visible: T[], getGroup: (item: T) => string) {
      // biome-ignore lint/suspicious/noExplicitAny: commander types getGroup for Command | Option; T is one of them.
      const group = getGroup as (item: any) => string;
      const groups = Help.prototype.groupItems.call(this, unsorted, visible, group) as Map<string, T[]>;
      const rank = (heading: string) => HEADING_ORDER.indexOf(heading);
      return new Map([...groups].sort(([a], [b]) => rank(a) - rank(b)));
    },
    formatItemList(heading: string, items: string[], helper: Help): string[] {
      if (items.length === 0) return [];
      const title = heading === 'Global Options:' ? 'Global options (also before the command):' : heading;
      return [helper.styleTitle(title), ...items, ''];
    },
  });
}
