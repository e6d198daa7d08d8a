// This file is `vupload status` and `vupload update` for Vimeo videos (GET and PATCH /videos/{id}), and the wait for
// transcoding that `--wait` shares with the upload's steps.
import { resolve } from 'node:path';
import { type MetadataFlags, metadataInputFromFlags } from '../../cli/metadata-flags.js';
import { ExitCode, interruptedError, usageError, VuploadError } from '../../errors.js';
import { flattenFields } from '../../unattended/recorded-metadata.js';
import type { MetadataUpdater, Request } from '../contract.js';
import { refuseUnsupported } from '../flags.js';
import type { VimeoApi } from './api.js';
import { parseView, readPasswordFile } from './prepare.js';
import { apiOf, openVimeo } from './session.js';

type Json = Record<string, unknown>;

export interface VimeoStatusView {
  provider: 'vimeo';
  id: string;
  url?: string;
  title?: string;
  /** uploading, processing, processed, or failed. */
  state: string;
  done: boolean;
  uploadStatus?: string;
  transcodeStatus?: string;
  privacyStatus?: string;
}

const FIELDS = 'uri,name,link,privacy.view,upload.status,transcode.status';

export async function vimeoStatusOf(api: VimeoApi, id: string): Promise<VimeoStatusView> {
  const v = await api.get(`/videos/${id}`, {
    query: { fields: FIELDS },
    action: `tell the status of video ${id}`,
  });
  const upload = ((v.upload ?? {}) as Json).status as string | undefined;
  const transcode = ((v.transcode ?? {}) as Json).status as string | undefined;
  const failed = upload === 'error' || transcode === 'error';
  const state = failed
    ? 'failed'
    : upload !== undefined && upload !== 'complete'
      ? 'uploading'
      : transcode === 'complete'
        ? 'processed'
        : 'processing';
  return {
    provider: 'vimeo',
    id,
    ...(typeof v.link === 'string' ? { url: v.link } : {}),
    ...(typeof v.name === 'string' ? { title: v.name } : {}),
    state,
    done: failed || state === 'processed',
    ...(upload ? { uploadStatus: upload } : {}),
    ...(transcode ? { transcodeStatus: transcode } : {}),
    ...(typeof (v.privacy as Json | undefined)?.view === 'string'
      ? { privacyStatus: (v.privacy as Json).view as string }
      : {}),
  };
}

export function vimeoProcessingError(view: VimeoStatusView): VuploadError | undefined {
  if (view.state !== 'failed') return undefined;
  return new VuploadError(
    'processingFailed',
    ExitCode.api,
    `Vimeo could not ${view.uploadStatus === 'error' ? 'take the upload of' : 'transcode'} video ${view.id}.`,
    { hint: 'Check that the file plays locally (e.g. with ffprobe), then upload it again.' },
  );
}

/** Polls until transcoding ends (2 s growing to 30 s between polls, an hour at most). */
export async function waitForVimeo(
  api: VimeoApi,
  id: string,
  o: Pick<Request, 'ctx'> & { onUpdate(view: VimeoStatusView): void },
): Promise<VimeoStatusView> {
  const { ctx } = o;
  const start = ctx.now();
  let interval = 2000;
  for (;;) {
    const view = await vimeoStatusOf(api, id);
    o.onUpdate(view);
    if (view.done) return view;
    const waited = ctx.now() - start;
    if (waited >= 3_600_000)
      throw new VuploadError(
        'processingTimeout',
        ExitCode.network,
        `Video ${id} is still ${view.state} after an hour.`,
        {
          hint: `Check again later with \`vupload status --provider vimeo ${id} --wait\`.`,
        },
      );
    try {
      await ctx.sleep(interval, ctx.signal);
    } catch (error) {
      if (ctx.signal.aborted) throw interruptedError(ctx.signal);
      throw error;
    }
    interval = Math.min(interval * 1.5, 30_000);
  }
}

export async function vimeoStatus(id: string, req: Request, flags: { wait?: boolean }): Promise<void> {
  const { globals, out } = req;
  const session = await openVimeo(req);
  const view = flags.wait
    ? await waitForVimeo(session.api, id, {
        ...req,
        onUpdate: (v) => out.progressText(`Video ${id}: ${v.state}`),
      })
    : await vimeoStatusOf(session.api, id);
  out.stopSpinner();
  if (globals.json) out.resultJson(view);
  else
    out.result(
      [
        `id:         ${view.id}`,
        ...(view.url ? [`url:        ${view.url}`] : []),
        ...(view.title ? [`title:      ${view.title}`] : []),
        `state:      ${view.state}`,
        `upload:     ${view.uploadStatus ?? '?'}`,
        `transcode:  ${view.transcodeStatus ?? '?'}`,
        ...(view.privacyStatus ? [`privacy:    ${view.privacyStatus}`] : []),
      ].join('\n'),
    );
  const failed = flags.wait ? vimeoProcessingError(view) : undefined;
  if (failed) throw failed;
}

/** Flattened fields (name, description, privacy.view) as PATCH /videos/{id} takes them. */
function patchBody(fields: Record<string, unknown>): Json {
  const body: Json = {};
  for (const [path, value] of Object.entries(fields)) {
    if (path === 'privacy.view') body.privacy = { view: value };
    else body[path] = value;
  }
  return body;
}

/** What `vupload update` takes for Vimeo: the name, the description and the privacy (with its password). */
const UPDATE_FLAGS = new Set([
  'title',
  'description',
  'descriptionFile',
  'privacy',
  'privacyStatus',
  'passwordFile',
  'dryRun',
]);

async function updateCommand(
  id: string,
  flags: MetadataFlags & { dryRun?: boolean; passwordFile?: string },
  req: Request,
): Promise<void> {
  const { ctx, globals, out } = req;
  refuseUnsupported(flags, UPDATE_FLAGS, 'vimeo');
  const input = await metadataInputFromFlags(
    { ...flags, privacy: undefined, privacyStatus: undefined },
    ctx.cwd,
    ctx.env,
    globals.clientSecrets,
  );
  const view = parseView(flags);
  const wanted: Record<string, unknown> = {
    ...(input.title !== undefined ? { name: input.title } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(view !== undefined ? { 'privacy.view': view } : {}),
  };
  if (Object.keys(wanted).length === 0)
    throw usageError(
      'nothing to change: no metadata flag was given.',
      'Example: vupload update --provider vimeo ID --title "New title"',
    );
  if (wanted.name !== undefined && String(wanted.name).trim() === '')
    throw usageError('--title: the name is empty.');
  if (flags.passwordFile !== undefined && view !== 'password')
    throw usageError('--password-file is only for --privacy password.');
  const password =
    flags.passwordFile !== undefined
      ? await readPasswordFile(
          resolve(ctx.cwd, flags.passwordFile),
          flags.descriptionFile !== undefined ? [resolve(ctx.cwd, flags.descriptionFile)] : [],
        )
      : undefined;
  const session = await openVimeo(req);
  const current = await session.api.get(`/videos/${id}`, {
    query: { fields: 'uri,name,description,privacy.view' },
    action: `read video ${id}`,
  });
  const before = flattenFields({
    name: current.name,
    description: current.description,
    privacy: current.privacy,
  });
  const diff = Object.entries(wanted)
    .filter(([field, after]) => before[field] !== after)
    .map(([field, after]) => ({ field, before: before[field], after }));
  const changed = Object.fromEntries(diff.map((d) => [d.field, d.after]));
  const body = { ...patchBody(changed), ...(password !== undefined ? { password } : {}) };
  const parts = Object.keys(body).filter((k) => k !== 'password');
  const show = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v));
  if (flags.dryRun) {
    if (globals.json)
      out.resultJson({
        id,
        dryRun: true,
        parts,
        diff,
        body: { ...body, ...(password ? { password: '<redacted>' } : {}) },
      });
    else
      out.result(
        diff.length
          ? diff.map((d) => `${d.field}: ${show(d.before)} -> ${show(d.after)}`).join('\n')
          : 'no change',
      );
    out.info('Dry run: nothing was sent.');
    return;
  }
  const video = Object.keys(body).length
    ? await session.api.patch(`/videos/${id}`, { body, action: `update video ${id}` })
    : current;
  if (globals.json) out.resultJson({ id, parts, diff, video });
  else out.result(id);
  if (diff.length === 0) out.info('Nothing to change: the video already has these values.');
  for (const d of diff) out.info(`${d.field}: ${show(d.before)} -> ${show(d.after)}`);
}

export const vimeoUpdate: MetadataUpdater = {
  cost: 0,
  async apply(run, videoId, fields) {
    // PATCH sets only what it names, and setting a value twice changes nothing: a re-run after a kill is harmless.
    await apiOf(await run.session()).patch(`/videos/${videoId}`, {
      body: patchBody(fields),
      action: `update video ${videoId}`,
    });
    return 0;
  },
  command: updateCommand,
};
