// This file runs the steps after an upload (thumbnail, playlists, captions, --wait), skipping those done before.
import { basename } from 'node:path';
import { apiUrl } from '../../cli/context.js';
import { formatDuration } from '../../cli/format.js';
import { withLock } from '../../state/store.js';
import { Step } from '../../unattended/journal.js';
import type { ProviderSteps, StepContext, StepOutcome } from '../contract.js';
import { journaledStep } from '../journaled-step.js';
import type { YouTubeSession } from './auth/open.js';
import type { Exclusive } from './playlists.js';
import type { YouTubePlan } from './prepare.js';

/** The journal names of the steps a plan asks for; playlists by what the user gave (id or title). */
export function wantedSteps(plan: YouTubePlan): string[] {
  return [
    ...(plan.thumbnail ? [Step.thumbnail] : []),
    ...plan.playlists.map((p) => Step.playlist(p)),
    ...plan.captions.map((c) => Step.caption(c.language)),
  ];
}

export async function runSteps(
  plan: YouTubePlan,
  id: string,
  outcome: StepOutcome,
  s: StepContext,
): Promise<void> {
  const pending = wantedSteps(plan).filter((step) => !s.done.has(step));
  if (pending.length > 0 || plan.wait) await runApiSteps(plan, id, outcome, s);
  if (plan.open) await s.ctx.openUrl(`https://youtu.be/${id}`);
}

async function runApiSteps(
  plan: YouTubePlan,
  id: string,
  outcome: StepOutcome,
  s: StepContext,
): Promise<void> {
  const { createYouTubeClient, retryLine } = await import('./api.js');
  const yt = createYouTubeClient({
    apiUrl: apiUrl(s.globals, s.ctx.env),
    auth: await ((await s.session()) as YouTubeSession).client(),
    sleep: s.ctx.sleep,
    random: s.ctx.random,
    now: s.ctx.now,
    signal: s.ctx.signal,
    onRetry: retryLine(s.out),
  });
  const step = journaledStep(s);
  // thumbnails.set replaces the thumbnail: doing it again after a crash before its record leaves the same state, so
  // unlike the playlist and caption steps it needs no question to the server first.
  if (plan.thumbnail) {
    const thumbnail = plan.thumbnail;
    const thumb = await step(Step.thumbnail, () => yt.setThumbnail(id, thumbnail));
    if (thumb) {
      outcome.thumbnail = thumb.url ?? thumbnail;
      s.out.info(`Thumbnail set from ${basename(thumbnail)}.`);
    }
  }
  for (const wanted of plan.playlists) {
    const added = await step(
      Step.playlist(wanted),
      async () => {
        const playlist = await yt.resolvePlaylist(wanted, {
          create: plan.createPlaylist,
          createHint: 'Add --create-playlist to create it',
          exclusive: playlistLock(wanted, s),
        });
        if (playlist.created) {
          // Not in the count made before the upload, which cannot know the playlist is missing: the look
          // again under the lock, and the insert.
          const { operationCost } = await import('./quota.js');
          await s.spent(operationCost('playlists.list') + operationCost('playlists.insert'));
          s.out.info(`Created playlist "${playlist.title}" (${playlist.id}).`);
        }
        const item = s.fresh
          ? { ...(await yt.addToPlaylist(id, playlist.id)), added: true }
          : await yt.addToPlaylistOnce(id, playlist.id);
        if (!item.added) s.out.info(`The video was in playlist "${playlist.title}" already.`);
        return playlist;
      },
      (p) => p.id,
    );
    if (added) {
      outcome.playlists.push({ id: added.id, title: added.title, created: added.created });
      s.out.info(`Added to playlist "${added.title}".`);
    }
  }
  for (const caption of plan.captions) {
    const track = await step(Step.caption(caption.language), async () =>
      s.fresh
        ? { ...(await yt.insertCaption(id, caption.path, caption.language)), added: true }
        : yt.insertCaptionOnce(id, caption.path, caption.language),
    );
    if (track) {
      outcome.captions.push({ id: track.id, language: caption.language });
      s.out.info(
        track.added
          ? `Caption ${basename(caption.path)} (${caption.language}) added.`
          : `The video had its ${caption.language} caption track already.`,
      );
    }
  }
  if (plan.wait) {
    const { processingError } = await import('./status.js');
    s.out.startSpinner('Waiting for YouTube to process the video…');
    const view = await yt.waitForProcessing(id, {
      requestedPrivacy: plan.resource.status?.privacyStatus,
      onUpdate: (v) => {
        const parts = v.partsTotal ? ` ${v.partsProcessed ?? 0}/${v.partsTotal} parts` : '';
        const left = v.timeLeftMs ? `, about ${formatDuration(v.timeLeftMs / 1000)} left` : '';
        s.out.progressText(`Processing: ${v.state}${parts}${left}`);
      },
    });
    outcome.processing = view;
    const failed = processingError(view);
    s.out.stopSpinner(`Processing ${view.state}.`, !failed);
    if (view.notice) s.out.warn(view.notice);
    if (failed) throw failed;
  }
}

/**
 * Creating a playlist is serialised per profile and title (a lock in the state store), so concurrent jobs and runs
 * (on every machine sharing the store) that all found no playlist called `title` create one, not one each (issue 11).
 */
function playlistLock(title: string, s: StepContext): Exclusive {
  return (work) =>
    withLock(
      s.locks,
      {
        key: `playlist:${s.globals.profile}:${title}`,
        label: `the playlist "${title}"`,
        wait: true,
        pollMs: 50,
        signal: s.ctx.signal,
        clock: { now: s.ctx.now, sleep: s.ctx.sleep },
      },
      work,
    );
}

export const youtubeSteps: ProviderSteps<YouTubePlan> = { wanted: wantedSteps, run: runSteps };
