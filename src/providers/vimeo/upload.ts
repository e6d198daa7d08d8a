// This file is Vimeo's upload through the shared resumable runner (src/providers/resumable-upload.ts) with tus (tus.ts),
// and its dry run: the requests a real run would send, the password and token redacted.
import { createHash } from 'node:crypto';
import { credentialUrlProblem } from '../../credential-url.js';
import type { ProviderResult, ProviderRun, Request } from '../contract.js';
import { resumableUpload } from '../resumable-upload.js';
import { videoIdOf } from './api.js';
import { mapVimeoError } from './errors.js';
import { VIMEO_ACCEPT, VIMEO_API_URL } from './options.js';
import type { VimeoPlan } from './prepare.js';
import { apiOf, vimeoApiRoot } from './session.js';
import type { VimeoVideoData } from './tus.js';

/** A video's page: vimeo.com/ID, or the sandbox's own page beside its API (unlisted ones add a hash: `link`). */
export function vimeoVideoUrl(id: string, { ctx, globals }: Pick<Request, 'ctx' | 'globals'>): string {
  const root = vimeoApiRoot(globals, ctx);
  return `${root === VIMEO_API_URL ? 'https://vimeo.com' : root}/${id}`;
}

/**
 * Where an upload link may be used: HTTPS anywhere (Vimeo's tus hosts are not the API's), plain HTTP only to this
 * machine with no proxy elsewhere on the way (the sandbox). The link is the upload's only credential: the engine
 * sends it no Authorization header (tus.ts, authOnSession false).
 */
export const uploadLinkAllowed = (url: string): boolean => credentialUrlProblem(url) === undefined;

/** The key of this file's pending create in the provider state (a plain file name). */
function pendingKey(parts: string[]): string {
  return `create-${createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32)}`;
}

export async function uploadToVimeo(run: ProviderRun<VimeoPlan>): Promise<ProviderResult> {
  const { plan, ctx, globals, out } = run;
  const root = vimeoApiRoot(globals, ctx);
  const { vimeoTus } = await import('./tus.js');
  const tus = vimeoTus({
    api: async () => apiOf(await run.session()),
    state: run.providerState,
    key: pendingKey([plan.file, globals.profile, root]),
    linkAllowed: uploadLinkAllowed,
    ...(plan.password !== undefined ? { password: plan.password } : {}),
    now: ctx.now,
    info: (message) => out.info(message),
    warn: (message) => out.warn(message),
  });
  return resumableUpload(run, {
    createUrl: `${root}/me/videos`,
    sessionUrlAllowed: uploadLinkAllowed,
    protocol: tus.protocol,
    findFinished: (session) => tus.findFinished(session),
    describe: (response, metadata) => {
      const video = response as VimeoVideoData;
      const link = video.link ?? vimeoVideoUrl(videoIdOf(video.uri), run);
      return {
        id: videoIdOf(video.uri),
        title: video.name ?? (metadata as VimeoPlan['resource']).name,
        ...(video.privacy ? { privacyStatus: video.privacy } : {}),
        url: link,
        // The page Vimeo gave (an unlisted video's has its hash): --json's `url`.
        extra: { url: link },
      };
    },
    videoUrl: (id) => vimeoVideoUrl(id, run),
    to: ' to Vimeo',
    // "Vimeo refused to upload talk.mp4", not "… to upload talk.mp4 to Vimeo".
    mapError: (error, action) => mapVimeoError(error, action.replace(/ to Vimeo$/, ''), globals.profile),
  });
}

/** What --dry-run prints for Vimeo. */
export function vimeoDryRun(plan: VimeoPlan, req: Request): unknown[] {
  const root = vimeoApiRoot(req.globals, req.ctx);
  const auth = { Authorization: 'bearer <redacted>', Accept: VIMEO_ACCEPT };
  const video = `${root}/videos/<new id>`;
  const requests: unknown[] = [
    { method: 'GET', url: `${root}/me?fields=upload_quota`, headers: auth },
    {
      method: 'POST',
      url: `${root}/me/videos`,
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: {
        upload: { approach: 'tus', size: plan.size },
        ...plan.resource,
        ...(plan.password !== undefined ? { password: '<redacted>' } : {}),
      },
    },
    {
      method: 'PATCH',
      url: '<upload.upload_link>',
      headers: {
        'Tus-Resumable': '1.0.0',
        'Upload-Offset': "the server's offset",
        'Content-Type': 'application/offset+octet-stream',
      },
      ...(plan.chunkSize && plan.chunkSize < plan.size
        ? { chunks: Math.ceil(plan.size / plan.chunkSize), chunkSize: plan.chunkSize }
        : { 'Content-Length': plan.size }),
      file: plan.file,
      ...(plan.limitRate ? { limitRate: plan.limitRate } : {}),
    },
    { method: 'GET', url: `${video}?fields=uri,name,link,privacy.view,upload.status`, headers: auth },
  ];
  if (plan.thumbnail)
    requests.push(
      { method: 'POST', url: `${video}/pictures`, headers: auth },
      { method: 'PUT', url: '<picture link>', file: plan.thumbnail },
      { method: 'PATCH', url: `${video}/pictures/<picture id>`, headers: auth, body: { active: true } },
    );
  if (plan.folder)
    requests.push({
      method: 'PUT',
      url: `${root}/me/projects/<id of "${plan.folder}">/videos/<new id>`,
      headers: auth,
    });
  for (const showcase of plan.playlists)
    requests.push({
      method: 'PUT',
      url: `${root}/me/albums/<id of "${showcase}">/videos/<new id>`,
      headers: auth,
    });
  for (const caption of plan.captions)
    requests.push(
      {
        method: 'POST',
        url: `${video}/texttracks`,
        headers: auth,
        body: { type: 'captions', language: caption.language },
      },
      { method: 'PUT', url: '<text track link>', file: caption.path },
      { method: 'PATCH', url: `${video}/texttracks/<track id>`, headers: auth, body: { active: true } },
    );
  return requests;
}
