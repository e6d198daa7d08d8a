// This file runs the steps after a PeerTube upload, each asking the instance first where doing it twice would leave
// a trace: the thumbnail (PUT /videos/{id} with thumbnailfile: a replacement), each playlist (found by its display
// name among the channel's playlists, created with --create-playlist under a lock, the video added once: PeerTube
// would add it twice), each caption (PUT /videos/{id}/captions/{lang}, skipped when that language is there), --wait.
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { withLock } from '../../state/store.js';
import { Step } from '../../unattended/journal.js';
import type { ProviderSteps, StepContext, StepOutcome } from '../contract.js';
import { journaledStep } from '../journaled-step.js';
import { mapPeerTubeError } from './errors.js';
import { multipartBody } from './http.js';
import { watchUrl } from './instance.js';
import { checkImage, type PeerTubePlan } from './prepare.js';
import type { PeerTubeSession } from './session.js';
import { processingFailure, waitForState } from './status.js';

export function wantedSteps(plan: PeerTubePlan): string[] {
  return [
    ...(plan.thumbnail ? [Step.thumbnail] : []),
    ...plan.playlists.map((p) => Step.playlist(p)),
    ...plan.captions.map((c) => Step.caption(c.language)),
  ];
}

interface Playlist {
  id: number;
  uuid: string;
  shortUUID: string;
  displayName: string;
}

interface VideoDetails {
  id: number;
  uuid: string;
  shortUUID: string;
  privacy: { id: number };
  channel: { name: string; id: number };
}

const CAPTION_TYPES: Record<string, string> = { '.vtt': 'text/vtt', '.srt': 'application/x-subrip' };

/** Every page of a list answer ({total, data}). */
async function all<T>(
  session: PeerTubeSession,
  path: string,
  query: Record<string, string> = {},
): Promise<T[]> {
  const items: T[] = [];
  for (let start = 0; ; start += 100) {
    const page = await session.api.get<{ total: number; data: T[] }>(path, { ...query, start, count: 100 });
    items.push(...page.data);
    if (page.data.length === 0 || items.length >= page.total) return items;
  }
}

/** The channel's playlist called `title` (exact display name), or undefined. */
async function findPlaylist(
  session: PeerTubeSession,
  channel: string,
  title: string,
): Promise<Playlist | undefined> {
  const lists = await all<Playlist>(
    session,
    `/video-channels/${encodeURIComponent(channel)}/video-playlists`,
  );
  return lists.find((p) => p.displayName === title);
}

async function resolvePlaylist(
  session: PeerTubeSession,
  video: VideoDetails,
  title: string,
  plan: PeerTubePlan,
  s: StepContext,
): Promise<{ playlist: Playlist; created: boolean }> {
  const found = await findPlaylist(session, video.channel.name, title);
  if (found) return { playlist: found, created: false };
  if (!plan.createPlaylist) {
    // Exit 1 as YouTube's playlistNotFound: the upload was sent, so this is not bad input (exit 2: nothing sent).
    const { ExitCode, VuploadError } = await import('../../errors.js');
    throw new VuploadError(
      'playlistNotFound',
      ExitCode.api,
      `--playlist ${title}: channel ${video.channel.name} on ${session.instance} has no playlist of that name.`,
      { hint: 'Add --create-playlist to create it.' },
    );
  }
  // Concurrent runs (on every machine sharing the state store) that all found none create one, not one each.
  const lock = {
    key: `playlist:peertube:${session.handle}:${video.channel.name}:${title}`,
    label: `the playlist "${title}"`,
  };
  return withLock(
    s.locks,
    { ...lock, wait: true, pollMs: 50, signal: s.ctx.signal, clock: { now: s.ctx.now, sleep: s.ctx.sleep } },
    async () => {
      const again = await findPlaylist(session, video.channel.name, title);
      if (again) return { playlist: again, created: false };
      // A playlist is as visible as the video (PeerTube has no internal playlist: private then).
      const privacy = video.privacy.id === 1 || video.privacy.id === 2 ? video.privacy.id : 3;
      const answer = await session.api.send('POST', '/video-playlists', {
        json: { displayName: title, privacy, videoChannelId: video.channel.id },
      });
      const made = (answer.json as { videoPlaylist: { id: number; uuid: string; shortUUID: string } })
        .videoPlaylist;
      return { playlist: { ...made, displayName: title }, created: true };
    },
  );
}

/** Adds the video unless the playlist holds it (asked first unless this run made the video). */
async function addOnce(
  session: PeerTubeSession,
  playlist: Playlist,
  video: VideoDetails,
  fresh: boolean,
): Promise<boolean> {
  if (!fresh) {
    const elements = await all<{ video: { uuid: string } | null }>(
      session,
      `/video-playlists/${playlist.uuid}/videos`,
    );
    if (elements.some((e) => e.video?.uuid === video.uuid)) return false;
  }
  await session.api.send('POST', `/video-playlists/${playlist.uuid}/videos`, {
    json: { videoId: video.uuid },
  });
  return true;
}

async function runSteps(plan: PeerTubePlan, id: string, outcome: StepOutcome, s: StepContext): Promise<void> {
  const pending = wantedSteps(plan).filter((step) => !s.done.has(step));
  if (pending.length === 0 && !plan.wait && !plan.open) return;
  const session = (await s.session()) as PeerTubeSession;
  const fail = (action: string) => (error: unknown) => {
    throw mapPeerTubeError(error, { action, profile: s.globals.profile, instance: session.instance });
  };
  const step = journaledStep(s);
  let details: VideoDetails | undefined;
  const video = async () =>
    (details ??= await session.api.get<VideoDetails>(`/videos/${id}`).catch(fail(`read video ${id}`)));
  if (plan.thumbnail) {
    const path = plan.thumbnail;
    const set = await step(Step.thumbnail, async () => {
      const type = await checkImage(path, '--thumbnail');
      const form = multipartBody(
        {},
        { thumbnailfile: { filename: basename(path), type, data: await readFile(path) } },
      );
      await session.api
        .send('PUT', `/videos/${id}`, {
          raw: { contentType: form.contentType, body: form.body, length: form.body.length },
        })
        .catch(fail(`set the thumbnail of ${id}`));
      return path;
    });
    if (set) {
      outcome.thumbnail = set;
      s.out.info(`Thumbnail set from ${basename(set)}.`);
    }
  }
  for (const title of plan.playlists) {
    const added = await step(
      Step.playlist(title),
      async () => {
        const v = await video();
        const { playlist, created } = await resolvePlaylist(session, v, title, plan, s).catch(
          fail(`find playlist "${title}"`),
        );
        if (created) s.out.info(`Created playlist "${title}" (${playlist.shortUUID}).`);
        const isNew = await addOnce(session, playlist, v, s.fresh).catch(
          fail(`add ${id} to playlist "${title}"`),
        );
        if (!isNew) s.out.info(`The video was in playlist "${title}" already.`);
        return { playlist, created };
      },
      (r) => r.playlist.shortUUID,
    );
    if (added) {
      outcome.playlists.push({ id: added.playlist.shortUUID, title, created: added.created });
      s.out.info(`Added to playlist "${title}".`);
    }
  }
  for (const caption of plan.captions) {
    const done = await step(Step.caption(caption.language), async () => {
      if (!s.fresh) {
        const list = await session.api
          .get<{ data: Array<{ language: { id: string } }> }>(`/videos/${id}/captions`)
          .catch(fail(`list the captions of ${id}`));
        if (list.data.some((c) => c.language.id === caption.language)) return { added: false };
      }
      const type = CAPTION_TYPES[extname(caption.path).toLowerCase()] ?? 'application/octet-stream';
      const data = await readFile(caption.path);
      const form = multipartBody({}, { captionfile: { filename: basename(caption.path), type, data } });
      await session.api
        .send('PUT', `/videos/${id}/captions/${encodeURIComponent(caption.language)}`, {
          raw: { contentType: form.contentType, body: form.body, length: form.body.length },
        })
        .catch(fail(`add the ${caption.language} caption of ${id}`));
      return { added: true };
    });
    if (done) {
      outcome.captions.push({ id: `${id}:${caption.language}`, language: caption.language });
      s.out.info(
        done.added
          ? `Caption ${basename(caption.path)} (${caption.language}) added.`
          : `The video had its ${caption.language} caption already.`,
      );
    }
  }
  if (plan.wait) {
    const processed = await waitForState(session, id, s.out, s.ctx, s.globals.profile);
    outcome.processing = processed;
    const failed = processingFailure(processed);
    if (failed) throw failed;
  }
  if (plan.open) await s.ctx.openUrl(watchUrl(session.instance, id));
}

export const peertubeSteps: ProviderSteps<PeerTubePlan> = { wanted: wantedSteps, run: runSteps };
