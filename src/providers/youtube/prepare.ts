// This file builds YouTube's upload plan: the video resource from the metadata flags, checked as YouTube checks it,
// the thumbnail (JPEG/PNG, 2 MB) and the caption tracks, on top of what every provider's plan holds.
import { basename } from 'node:path';
import { metadataInputFromFlags } from '../../cli/metadata-flags.js';
import { prepareFile, templatesOf, type UploadFlags } from '../../cli/upload/prepare.js';
import { flattenFields } from '../../unattended/recorded-metadata.js';
import type { PrepareOptions, UploadPlan } from '../contract.js';
import { checkThumbnail } from './image.js';
import { buildInsertResource, validateResource } from './metadata.js';
import type { VideoResource, WritablePart } from './resource.js';

/** YouTube's plan: the resource and the parts it fills (the initiation's `part`), and notifySubscribers. */
export interface YouTubePlan extends UploadPlan<VideoResource> {
  parts: WritablePart[];
  notifySubscribers?: boolean;
}

/** Where the title and description go in the resource (journal field paths, for templates). */
export const TEXT_FIELDS = { title: 'snippet.title', description: 'snippet.description' };

export async function prepareUpload(
  fileArg: string,
  flags: UploadFlags,
  options: PrepareOptions,
): Promise<YouTubePlan> {
  const base = await prepareFile(fileArg, flags, options);
  const input = await metadataInputFromFlags(flags, options.cwd, options.env, options.clientSecrets);
  const { resource, parts, flagNames } = buildInsertResource(input, {
    fileName: base.stdin ? 'stdin' : basename(base.file),
  });
  validateResource(resource, { now: options.now, flagNames });
  // Localizations are given as a whole (--localization, --metadata): each language's texts count as given.
  const given = Object.keys(flattenFields(resource)).filter(
    (field) =>
      field in flagNames || (field.startsWith('localizations.') && flagNames.localizations !== undefined),
  );
  const plan: YouTubePlan = { ...base, resource, parts, given, ...templatesOf(flags, TEXT_FIELDS) };
  if (flags.notifySubscribers !== undefined) plan.notifySubscribers = flags.notifySubscribers;
  if (plan.thumbnail !== undefined) await checkThumbnail(plan.thumbnail, { flag: '--thumbnail' });
  return plan;
}
