// This file runs Vimeo's steps after an upload, each journaled and each asking Vimeo first when an earlier run may
// have done it: the thumbnail (a picture: create, PUT the image to its link, activate), the folder and the showcases
// (find by name, create if asked, add the video once) and the text tracks (the same three calls as a picture), then
// --wait for transcoding and --open.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { ExitCode, VuploadError } from '../../errors.js';
import { withLock } from '../../state/store.js';
import { Step } from '../../unattended/journal.js';
import type { ProviderSteps, StepContext, StepOutcome } from '../contract.js';
import { journaledStep } from '../journaled-step.js';
import { type VimeoApi, videoIdOf } from './api.js';
import { trackContentType, type VimeoPlan } from './prepare.js';
import { apiOf } from './session.js';
import { vimeoProcessingError, waitForVimeo } from './status.js';

export const folderStep = (name: string): string => `folder:${name}`;

export function wantedSteps(plan: VimeoPlan): string[] {
  return [
    ...(plan.thumbnail ? [Step.thumbnail] : []),
    ...(plan.folder ? [folderStep(plan.folder)] : []),
    ...plan.playlists.map((p) => Step.playlist(p)),
    ...plan.captions.map((c) => Step.caption(c.language)),
  ];
}

const IMAGE_TYPES: Array<[RegExp, string]> = [
  [/\.png$/i, 'image/png'],
  [/\.gif$/i, 'image/gif'],
  [/\.webp$/i, 'image/webp'],
];

/**
 * The custom picture, once. A run that may have begun it before (not `fresh`) asks first: an active custom picture
 * is that run's; inactive ones are what a run stopped before activating left, and go.
 */
async function setThumbnail(api: VimeoApi, id: string, file: string, fresh: boolean): Promise<string> {
  const base = `/videos/${id}/pictures`;
  const action = `set the thumbnail of video ${id}`;
  if (!fresh) {
    const custom = (await api.list(base, { action })).filter((p) => p.type === 'custom');
    const active = custom.find((p) => p.active === true);
    if (active) return String(active.base_link ?? active.uri);
    for (const p of custom) await api.delete(String(p.uri), { action });
  }
  const picture = await api.post(base, { action });
  const type = IMAGE_TYPES.find(([re]) => re.test(file))?.[1] ?? 'image/jpeg';
  await api.putFile(String(picture.link), await readFile(file), type, action);
  const done = await api.patch(String(picture.uri), { body: { active: true }, action });
  return String(done.base_link ?? picture.uri);
}

/** A folder (/me/projects) or showcase (/me/albums) by its exact name, created under a lock when asked and missing. */
async function collection(
  api: VimeoApi,
  kind: 'folder' | 'showcase',
  name: string,
  create: boolean,
  s: StepContext,
): Promise<{ id: string; created: boolean }> {
  const path = kind === 'folder' ? '/me/projects' : '/me/albums';
  const find = async () => {
    const all = await api.list(path, { query: { fields: 'uri,name' }, action: `list the ${kind}s` });
    const hit = all.find((c) => c.name === name);
    return hit ? videoIdOf(String(hit.uri)) : undefined;
  };
  const found = await find();
  if (found) return { id: found, created: false };
  if (!create)
    // Exit 1 as YouTube's playlistNotFound: the upload was sent, so this is not bad input (exit 2: nothing sent).
    throw new VuploadError(
      kind === 'folder' ? 'folderNotFound' : 'playlistNotFound',
      ExitCode.api,
      `Vimeo has no ${kind} named "${name}".`,
      {
        hint: kind === 'folder' ? 'Add --create-folder to create it.' : 'Add --create-playlist to create it.',
      },
    );
  // Concurrent runs that all found none create one, not one each (as YouTube's playlists, issue 11).
  return withLock(
    s.locks,
    {
      key: `vimeo-${kind}:${s.globals.profile}:${name}`,
      label: `the ${kind} "${name}"`,
      wait: true,
      pollMs: 50,
      signal: s.ctx.signal,
      clock: { now: s.ctx.now, sleep: s.ctx.sleep },
    },
    async () => {
      const again = await find();
      if (again) return { id: again, created: false };
      const made = await api.post(path, { body: { name }, action: `create the ${kind} "${name}"` });
      return { id: videoIdOf(String(made.uri)), created: true };
    },
  );
}

/** Adds the video to a collection once: asked first unless this run made the video. */
async function addOnce(api: VimeoApi, path: string, fresh: boolean, action: string): Promise<boolean> {
  if (!fresh && (await api.find(path, { query: { fields: 'uri' }, action }))) return false;
  await api.put(path, { action });
  return true;
}

/**
 * A caption track once. Vimeo keeps one active track per language and type: an active one means the video has it
 * (an earlier run's, or one made on vimeo.com); an inactive one of this name is what a stopped run left, and goes.
 */
async function addTrack(
  api: VimeoApi,
  id: string,
  caption: { path: string; language: string },
  fresh: boolean,
): Promise<{ id: string; added: boolean }> {
  const base = `/videos/${id}/texttracks`;
  const name = basename(caption.path);
  const action = `add the ${caption.language} captions to video ${id}`;
  if (!fresh) {
    const same = (await api.list(base, { action })).filter(
      (t) => t.language === caption.language && t.type === 'captions',
    );
    const active = same.find((t) => t.active === true);
    if (active) return { id: videoIdOf(String(active.uri)), added: false };
    for (const t of same.filter((t) => t.name === name)) await api.delete(String(t.uri), { action });
  }
  const track = await api.post(base, {
    body: { type: 'captions', language: caption.language, name },
    action,
  });
  await api.putFile(String(track.link), await readFile(caption.path), trackContentType(caption.path), action);
  await api.patch(String(track.uri), { body: { active: true }, action });
  return { id: videoIdOf(String(track.uri)), added: true };
}

async function runSteps(plan: VimeoPlan, id: string, outcome: StepOutcome, s: StepContext): Promise<void> {
  const pending = wantedSteps(plan).filter((step) => !s.done.has(step));
  if (pending.length > 0 || plan.wait) await runApiSteps(plan, id, outcome, s, apiOf(await s.session()));
  if (plan.open) await s.ctx.openUrl((outcome as { url?: string }).url ?? `https://vimeo.com/${id}`);
}

async function runApiSteps(plan: VimeoPlan, id: string, outcome: StepOutcome, s: StepContext, api: VimeoApi) {
  const step = journaledStep(s);
  if (plan.thumbnail) {
    const file = plan.thumbnail;
    const url = await step(Step.thumbnail, () => setThumbnail(api, id, file, s.fresh));
    if (url) {
      outcome.thumbnail = url;
      s.out.info(`Thumbnail set from ${basename(file)}.`);
    }
  }
  if (plan.folder) {
    const name = plan.folder;
    const folder = await step(
      folderStep(name),
      async () => {
        const f = await collection(api, 'folder', name, plan.createFolder, s);
        await addOnce(
          api,
          `/me/projects/${f.id}/videos/${id}`,
          s.fresh,
          `add video ${id} to the folder "${name}"`,
        );
        return f;
      },
      (f) => f.id,
    );
    if (folder) {
      outcome.folder = { id: folder.id, name, created: folder.created };
      s.out.info(`${folder.created ? 'Created the folder' : 'In the folder'} "${name}".`);
    }
  }
  for (const name of plan.playlists) {
    const showcase = await step(
      Step.playlist(name),
      async () => {
        const c = await collection(api, 'showcase', name, plan.createPlaylist, s);
        const added = await addOnce(
          api,
          `/me/albums/${c.id}/videos/${id}`,
          s.fresh,
          `add video ${id} to the showcase "${name}"`,
        );
        if (!added) s.out.info(`The video was in the showcase "${name}" already.`);
        return c;
      },
      (c) => c.id,
    );
    if (showcase) {
      outcome.playlists.push({ id: showcase.id, title: name, created: showcase.created });
      s.out.info(`${showcase.created ? 'Created the showcase' : 'Added to the showcase'} "${name}".`);
    }
  }
  for (const caption of plan.captions) {
    const track = await step(Step.caption(caption.language), () => addTrack(api, id, caption, s.fresh));
    if (track) {
      outcome.captions.push({ id: track.id, language: caption.language });
      s.out.info(
        track.added
          ? `Captions ${basename(caption.path)} (${caption.language}) added.`
          : `The video had its ${caption.language} captions already.`,
      );
    }
  }
  if (plan.wait) {
    s.out.startSpinner('Waiting for Vimeo to transcode the video…');
    const view = await waitForVimeo(api, id, {
      ctx: s.ctx,
      onUpdate: (v) => s.out.progressText(`Transcoding: ${v.state}`),
    });
    outcome.processing = view;
    const failed = vimeoProcessingError(view);
    s.out.stopSpinner(`Transcoding ${view.state}.`, !failed);
    if (failed) throw failed;
  }
}

export const vimeoSteps: ProviderSteps<VimeoPlan> = { wanted: wantedSteps, run: runSteps };
