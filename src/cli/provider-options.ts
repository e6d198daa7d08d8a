// This file adds to a command the options only some providers have, as each provider's options.ts declares them.
import { type Command, Option } from 'commander';
import { type ProviderOptions, providerOptions } from '../providers/registry.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** The options only some providers have (each provider's options.ts, listed in src/providers/registry.ts). */
export function addProviderOptions(command: Command, kind: keyof ProviderOptions): Command {
  for (const option of providerOptions(kind)) {
    if (command.options.some((o) => o.flags === option.flags)) continue;
    const added = new Option(option.flags, option.description);
    if (option.repeatable) added.argParser(collect);
    // The headings are upload's (batch and watch share them); elsewhere the option stays under "Options:".
    if (option.group && kind === 'upload') added.helpGroup(option.group);
    command.addOption(added);
  }
  return command;
}
