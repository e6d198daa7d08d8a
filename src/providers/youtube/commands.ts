// This file is YouTube's side of `vupload status VIDEO_ID` and `vupload update VIDEO_ID`: processing state, and a
// metadata change that reads the video, changes only the fields given and sends back complete parts.
import { formatDuration } from '../../cli/format.js';
import { type MetadataFlags, metadataInputFromFlags } from '../../cli/metadata-flags.js';
import { usageError } from '../../errors.js';
import type { Request } from '../contract.js';
import { openYouTube } from './auth/open.js';
import type { VideoStatusView } from './status.js';

const show = (value: unknown): string => (value === undefined ? '(none)' : JSON.stringify(value));

function describe(view: VideoStatusView): string[] {
  const lines = [`id:         ${view.id}`, `url:        ${view.url}`];
  if (view.title) lines.push(`title:      ${view.title}`);
  lines.push(`state:      ${view.state}`);
  if (view.uploadStatus) lines.push(`upload:     ${view.uploadStatus}`);
  if (view.processingStatus) {
    const parts = view.partsTotal ? ` (${view.partsProcessed ?? 0}/${view.partsTotal} parts)` : '';
    const left = view.timeLeftMs ? `, about ${formatDuration(view.timeLeftMs / 1000)} left` : '';
    lines.push(`processing: ${view.processingStatus}${parts}${left}`);
  }
  if (view.failureReason) lines.push(`failure:    ${view.failureReason}`);
  if (view.rejectionReason) lines.push(`rejected:   ${view.rejectionReason}`);
  if (view.privacyStatus)
    lines.push(`privacy:    ${view.privacyStatus}${view.publishAt ? ` until ${view.publishAt}` : ''}`);
  return lines;
}

export async function videoStatus(
  videoId: string,
  { ctx, globals, out }: Request,
  flags: { wait?: boolean; requestedPrivacy?: string },
): Promise<void> {
  const { yt } = await openYouTube(ctx, globals, out);
  const { processingError } = await import('./status.js');
  const view = flags.wait
    ? await yt.waitForProcessing(videoId, {
        requestedPrivacy: flags.requestedPrivacy,
        onUpdate: (v) => {
          const parts = v.partsTotal ? ` ${v.partsProcessed ?? 0}/${v.partsTotal} parts` : '';
          out.progressText(`Processing ${videoId}: ${v.state}${parts}`);
        },
      })
    : await yt.getStatus(videoId, flags.requestedPrivacy);
  out.stopSpinner();
  if (globals.json) out.resultJson({ provider: 'youtube', ...view });
  else out.result(describe(view).join('\n'));
  if (view.notice) out.warn(view.notice);
  const failed = flags.wait ? processingError(view) : undefined;
  if (failed) throw failed;
}

export async function updateCommand(
  videoId: string,
  flags: MetadataFlags & { dryRun?: boolean },
  { ctx, globals, out }: Request,
): Promise<void> {
  const input = await metadataInputFromFlags(flags, ctx.cwd, ctx.env, globals.clientSecrets);
  const named = Object.entries(input).filter(([key, value]) => key !== 'flags' && value !== undefined);
  if (named.length === 0) {
    throw usageError(
      'nothing to change: no metadata flag was given.',
      'Example: vupload update VIDEO_ID --title "New title"',
    );
  }
  // Check what the user gave before any request: a bad value exits 2 with nothing sent.
  const { inputToResource, validateResource } = await import('./metadata.js');
  const { resource, flagNames } = inputToResource(input);
  validateResource(resource, { now: ctx.now(), flagNames, partial: true });
  const { yt } = await openYouTube(ctx, globals, out);
  if (flags.dryRun) {
    const { plan } = await yt.planVideoUpdate(videoId, input);
    if (globals.json)
      out.resultJson({
        id: videoId,
        dryRun: true,
        parts: plan.parts,
        diff: plan.diff,
        body: plan.body,
      });
    else if (plan.diff.length === 0) out.result('no change');
    else out.result(plan.diff.map((d) => `${d.field}: ${show(d.before)} -> ${show(d.after)}`).join('\n'));
    out.info(
      `Dry run: nothing was sent${plan.parts.length ? ` (would send parts ${plan.parts.join(', ')})` : ''}.`,
    );
    return;
  }
  const result = await yt.updateVideo(videoId, input);
  if (globals.json)
    out.resultJson({ id: videoId, parts: result.parts, diff: result.diff, video: result.video });
  else out.result(videoId);
  if (result.parts.length === 0) out.info('Nothing to change: the video already has these values.');
  else for (const d of result.diff) out.info(`${d.field}: ${show(d.before)} -> ${show(d.after)}`);
}
