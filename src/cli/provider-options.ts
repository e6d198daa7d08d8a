// This file adds to a command the options only some providers have, as each provider's options.ts declares them.
import type { Command } from 'commander';
import { type ProviderOptions, providerOptions } from '../providers/registry.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** The options only some providers have (each provider's options.ts, listed in src/providers/registry.ts). */
export function addProviderOptions(command: Command, kind: keyof ProviderOptions): Command {
  for (const option of providerOptions(kind)) {
    if (command.options.some((o) => o.flags === option.flags)) continue;
    if (option.repeatable) command.option(option.flags, option.description, collect);
    else command.option(option.flags, option.description);
  }
  return command;
}
