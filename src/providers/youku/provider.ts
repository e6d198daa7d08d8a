// This file is the Youku provider of the upload job: its flags, its dry run and the sliced upload (API-NOTES §10).
import { basename, extname, resolve } from 'node:path';
import { tokenSaveWarning } from '../../auth/token-store.js';
import { formatBytes } from '../../cli/format.js';
import { metadataInputFromFlags } from '../../cli/metadata-flags.js';
import { parseIntegerOption } from '../../cli/options.js';
import { checkVideoFile, templatesOf, type UploadFlags } from '../../cli/upload/prepare.js';
import { unexpectedError, usageError } from '../../errors.js';
import { configDir, stateDir } from '../../paths.js';
import { type RecordedMetadata, recordedMetadata } from '../../unattended/recorded-metadata.js';
import type {
  PrepareOptions,
  Provider,
  ProviderResult,
  ProviderRun,
  Request,
  UploadPlan,
} from '../contract.js';
import { COMMON_FLAGS } from '../flags.js';
import { defaultTitle } from '../youtube/metadata.js';
import { youkuApiRoot, youkuAuth, youkuStatus } from './commands.js';

/** Youku's create takes a title, tags, a description and a category; nothing else of YouTube's has a meaning. */
const YOUKU_FLAGS = new Set([...COMMON_FLAGS, 'category']);

/** What Youku's create takes, kept in YouTube's snippet shape so the journal's field paths read the same. */
type YoukuResource = {
  snippet: { title: string; tags: string[]; description?: string; categoryId?: string };
};
type YoukuPlan = UploadPlan<YoukuResource>;

interface YoukuFields {
  title: string;
  tags: string[];
  description?: string;
  category?: string;
}

const youkuFields = (plan: YoukuPlan): YoukuFields => {
  const { snippet } = plan.resource;
  return {
    title: snippet.title,
    tags: snippet.tags,
    ...(snippet.description !== undefined ? { description: snippet.description } : {}),
    ...(snippet.categoryId !== undefined ? { category: snippet.categoryId } : {}),
  };
};

async function prepare(fileArg: string, flags: UploadFlags, options: PrepareOptions): Promise<YoukuPlan> {
  const file = resolve(options.cwd, fileArg);
  const size = await checkVideoFile(options.flag, file, options.env, {
    cwd: options.cwd,
    clientSecrets: options.clientSecrets,
  });
  const input = await metadataInputFromFlags(flags, options.cwd, options.env, options.clientSecrets);
  if (!input.tags?.length)
    throw usageError('--tags: Youku requires at least one tag.', 'Example: --tags "travel,surf"');
  const title = input.title?.trim() || defaultTitle(basename(file));
  const plan: YoukuPlan = {
    file,
    size,
    contentType: 'application/octet-stream',
    resource: {
      snippet: {
        title,
        tags: input.tags,
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.categoryId !== undefined ? { categoryId: input.categoryId } : {}),
      },
    },
    // The title is the command's own only when given (else the file name); tags are required, so always given.
    given: [
      ...(input.title !== undefined ? ['snippet.title'] : []),
      'snippet.tags',
      ...(input.description !== undefined ? ['snippet.description'] : []),
      ...(input.categoryId !== undefined ? ['snippet.categoryId'] : []),
    ],
    ...templatesOf(flags, { title: 'snippet.title', description: 'snippet.description' }),
    playlists: [],
    createPlaylist: false,
    captions: [],
    wait: false,
    open: false,
    restart: Boolean(flags.restart),
    notes: [],
  };
  if (flags.limitRate !== undefined) {
    const { parseSize } = await import('../../upload/size.js');
    plan.limitRate = parseSize(flags.limitRate, '--limit-rate');
  }
  if (flags.retries !== undefined) plan.retries = parseIntegerOption('--retries', flags.retries, 0, 100);
  // create checks these too; checking here makes a bad value exit 2 in a dry run and before any lock or login.
  const { youkuMetadata } = await import('./metadata.js');
  youkuMetadata({ ...youkuFields(plan), file, clientId: '', auth: NO_AUTH, stateDir: '', account: '' });
  return plan;
}

/**
 * What a Youku video was created with, in the fields vupload's Youku plan sets (title, tags, description, category),
 * for the journal; the plan's templates apply when it is this run's metadata. Nothing else of create's parameters
 * is kept (a watch password must not reach the journal).
 */
function recordedOf(created: Record<string, string>, plan: YoukuPlan): RecordedMetadata {
  const mine = youkuFields(plan);
  const same =
    created.title === mine.title &&
    created.tags === mine.tags.join(',') &&
    created.description === mine.description &&
    created.category === mine.category;
  const snippet = {
    title: created.title,
    tags: created.tags?.split(',').filter(Boolean),
    description: created.description,
    categoryId: created.category,
  };
  return recordedMetadata({ snippet }, same ? plan.templates : undefined);
}

/** youkuMetadata() takes upload options; only their metadata matters for checking it. */
const NO_AUTH = {
  accessToken: async () => '',
  refresh: async () => {},
};

/** The requests of a Youku upload, secrets redacted; the slices are the server's to assign. */
async function dryRun(plan: YoukuPlan, { ctx, globals }: Request): Promise<unknown[]> {
  const api = await youkuApiRoot(globals, ctx);
  const fields = youkuFields(plan);
  return [
    {
      method: 'GET',
      url: `${api}/uploads/create.json`,
      params: {
        client_id: '<client id>',
        access_token: '<redacted>',
        title: fields.title,
        tags: fields.tags.join(','),
        ...(fields.description !== undefined ? { description: fields.description } : {}),
        ...(fields.category !== undefined ? { category: fields.category } : {}),
        file_name: basename(plan.file),
        file_size: plan.size,
        file_md5: '<MD5 of the file>',
      },
    },
    {
      method: 'POST',
      url: 'http://<upload server>/gupload/create_file',
      params: {
        upload_token: '<upload token>',
        file_size: plan.size,
        ext: extname(plan.file).slice(1) || 'mp4',
      },
    },
    {
      method: 'POST',
      url: 'http://<upload server>/gupload/upload_slice',
      slices: 'as the server assigns them (new_slice), each with its MD5',
      file: plan.file,
      ...(plan.limitRate ? { limitRate: plan.limitRate } : {}),
    },
    {
      method: 'GET',
      url: 'http://<upload server>/gupload/check',
      params: { upload_token: '<upload token>' },
    },
    { method: 'POST', url: `${api}/uploads/commit.json`, params: { upload_token: '<upload token>' } },
  ];
}

async function upload(run: ProviderRun<YoukuPlan>): Promise<ProviderResult> {
  const { plan, ctx, globals, out } = run;
  const youku = await import('./index.js');
  const label = basename(plan.file);
  const client = await youku.loadYoukuClient(ctx.env, configDir(ctx.env));
  const onSaveError = (file: string, error: unknown) => out.warn(tokenSaveWarning(file, error));
  const login = youku.createYoukuAuth({
    configDir: configDir(ctx.env),
    profile: globals.profile,
    clock: ctx,
    onSaveError,
  });
  // "Connecting" is said once the login is read, so a missing login is the first thing the run says.
  let connecting = false;
  const auth: typeof login = {
    accessToken: async () => {
      const token = await login.accessToken();
      if (!connecting) {
        connecting = true;
        out.startSpinner(`Connecting to upload ${label} to Youku…`);
      }
      return token;
    },
    refresh: () => login.refresh(),
  };
  const fields = youkuFields(plan);
  const result = await youku
    .uploadToYouku({
      file: plan.file,
      ...fields,
      apiUrl: await youkuApiRoot(globals, ctx),
      clientId: client.clientId,
      auth,
      stateDir: stateDir(ctx.env),
      states: run.providerState,
      account: globals.profile,
      clock: ctx,
      random: ctx.random,
      signal: ctx.signal,
      restart: plan.restart,
      ...(plan.retries !== undefined ? { retries: plan.retries } : {}),
      ...(plan.limitRate !== undefined ? { limitRate: plan.limitRate } : {}),
      beforeNewUpload: () => run.beforeNew(),
      record: (r) =>
        run.record({
          videoId: r.videoId,
          file: r.path,
          size: r.size,
          fingerprint: r.fingerprint,
          mtimeMs: r.mtimeMs,
          ...(r.contentHash ? { contentHash: r.contentHash } : {}),
          title: r.title,
          ...(r.metadata ? { metadata: recordedOf(r.metadata, plan) } : {}),
          createVideoId: r.createVideoId,
          idsDiffer: r.idsDiffer,
        }),
      onProgress: (p) => out.progress(`Uploading ${label}:`, p),
      onRetry: (e) => out.retry(e),
      onResumed: () => out.info(`Resuming the interrupted upload of ${label}.`),
      onConfirmWait: (e) => out.progressText(`Youku is still confirming the slices (status ${e.status})…`),
      onRestarted: (e) => out.info(`Starting the upload of ${label} again (${e.reason}).`),
    })
    .finally(() => out.stopSpinner());
  const base = {
    file: plan.file,
    bytes: result.size,
    contentHash: result.contentHash,
    seconds: Math.round(result.elapsedMs) / 1000,
    resumed: result.resumed,
    finishedEarlier: result.finishedEarlier,
    retries: result.retries,
    sessionRestarts: 0,
    bytesSent: result.bytesSent,
  };
  if (result.skipped !== undefined)
    return { ...base, id: '', title: '', privacyStatus: '', skipped: result.skipped };
  out.info(
    result.finishedEarlier
      ? `${label} had been uploaded to Youku by an earlier run: ${result.videoId}.`
      : `Uploaded ${label} (${formatBytes(result.size)}) to Youku as ${result.videoId}.`,
  );
  if (result.idsDiffer) {
    out.warn(
      `Youku returned ${result.createVideoId} at create and ${result.videoId} at commit; both are in the history.`,
    );
  }
  const asked = youku.youkuMetadata({
    ...fields,
    file: plan.file,
    clientId: '',
    auth,
    stateDir: '',
    account: '',
  });
  const same = JSON.stringify(result.metadata) === JSON.stringify(asked);
  return {
    ...base,
    id: result.videoId,
    title: result.metadata.title ?? fields.title,
    privacyStatus: '',
    ...(same ? {} : { earlierMetadata: result.metadata }),
    ...(result.recordError !== undefined ? { recordError: result.recordError } : {}),
    extra: {
      provider: 'youku',
      createVideoId: result.createVideoId,
      idsDiffer: result.idsDiffer,
      md5: result.md5,
    },
  };
}

export const provider: Provider<YoukuPlan> = {
  name: 'youku',
  title: 'Youku',
  auth: youkuAuth,
  uploadFlags: YOUKU_FLAGS,
  pipe: { reason: 'Youku needs the size and MD5 of the whole video before the first byte' },
  quota: { kind: 'none' },
  steps: { wanted: () => [], run: async () => {} },
  prepare,
  dryRun,
  upload,
  status: (videoId, req) => youkuStatus(videoId, req),
  // videos/show.json is read once: no --wait, and no private lock to flag.
  statusFlags: new Set(),
  videoUrl: (id) => `https://v.youku.com/v_show/id_${id}.html`,
  mapError: (error, { action }) => unexpectedError(error, action),
};
