// This file changes a PeerTube video's metadata: `vupload update ID` (only the fields given; --dry-run prints the
// difference and sends nothing) and a re-run whose command sets other values than recorded. PUT /videos/{id} sets
// exactly the fields it carries, so doing it twice leaves the same video.
import type { MetadataFlags } from '../../cli/metadata-flags.js';
import { usageError } from '../../errors.js';
import type { MetadataUpdater, ProviderSession, Request } from '../contract.js';
import { refuseUnsupported } from '../flags.js';
import { mapPeerTubeError } from './errors.js';
import { PeerTubeApiError } from './http.js';
import type { PeerTubeFlags } from './options.js';
import { type PeerTubeResource, resourceFromFlags, validateFields } from './prepare.js';
import type { PeerTubeSession } from './session.js';

/** What `vupload update` takes for a PeerTube video. */
const UPDATE_FLAGS = new Set([
  ...['title', 'description', 'descriptionFile', 'category', 'keywords', 'tags', 'addTags', 'removeTags'],
  ...['privacy', 'privacyStatus', 'channel', 'licence', 'language', 'nsfw', 'comments', 'dryRun', 'videoId'],
]);

interface Current {
  name: string;
  description: string | null;
  tags: string[];
  privacy: { id: number };
  category: { id: number | null };
  licence: { id: number | null };
  language: { id: string | null };
  nsfw: boolean;
  commentsPolicy?: { id: number };
  channel: { name: string };
}

/** The video's values in the resource's fields. */
function currentFields(v: Current): Partial<PeerTubeResource> {
  return {
    name: v.name,
    ...(v.description !== null ? { description: v.description } : {}),
    tags: v.tags,
    privacy: v.privacy.id,
    ...(v.category.id !== null ? { category: v.category.id } : {}),
    ...(v.licence.id !== null ? { licence: v.licence.id } : {}),
    ...(v.language.id !== null ? { language: v.language.id } : {}),
    nsfw: v.nsfw,
    ...(v.commentsPolicy ? { commentsPolicy: v.commentsPolicy.id } : {}),
    channel: v.channel.name,
  };
}

/** The PUT body: the fields given, the channel's name as its id. */
async function body(
  session: PeerTubeSession,
  fields: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const { channel, filename: _, ...rest } = fields;
  if (typeof channel !== 'string') return rest;
  try {
    const found = await session.api.get<{ id: number }>(`/video-channels/${encodeURIComponent(channel)}`);
    return { ...rest, channelId: found.id };
  } catch (error) {
    if (error instanceof PeerTubeApiError && error.status === 404)
      throw usageError(`--channel ${channel}: ${session.instance} has no such channel.`);
    throw error;
  }
}

async function apply(
  run: Request & { session(): Promise<ProviderSession> },
  videoId: string,
  fields: Record<string, unknown>,
): Promise<number> {
  const session = (await run.session()) as PeerTubeSession;
  try {
    await session.api.send('PUT', `/videos/${encodeURIComponent(videoId)}`, {
      json: await body(session, fields),
    });
  } catch (error) {
    throw mapPeerTubeError(error, {
      action: `update ${videoId}`,
      profile: run.globals.profile,
      instance: session.instance,
    });
  }
  return 0;
}

const show = (value: unknown): string => (value === undefined ? '(none)' : JSON.stringify(value));

async function command(
  videoId: string,
  flags: MetadataFlags & PeerTubeFlags & { dryRun?: boolean },
  req: Request,
) {
  const { ctx, globals, out } = req;
  refuseUnsupported(flags, UPDATE_FLAGS, 'peertube');
  const { fields } = await resourceFromFlags(flags, ctx.cwd, ctx.env, globals.clientSecrets);
  const tagEdits = flags.addTags !== undefined || flags.removeTags !== undefined;
  if (Object.keys(fields).length === 0 && !tagEdits)
    throw usageError(
      'nothing to change: no metadata flag was given.',
      'Example: vupload update VIDEO_ID --title "New title"',
    );
  const { openPeerTube } = await import('./session.js');
  const session = await openPeerTube(req);
  try {
    const current = currentFields(await session.api.get<Current>(`/videos/${encodeURIComponent(videoId)}`));
    if (tagEdits) {
      const { applyTagEdits, parseKeywords } = await import('../youtube/metadata.js');
      fields.tags = applyTagEdits(
        fields.tags ?? current.tags ?? [],
        parseKeywords(flags.addTags ?? ''),
        parseKeywords(flags.removeTags ?? ''),
      );
      validateFields({ tags: fields.tags }, { tags: '--add-tags' });
    }
    const diff = Object.entries(fields)
      .filter(([k, v]) => JSON.stringify(current[k as keyof PeerTubeResource]) !== JSON.stringify(v))
      .map(([field, after]) => ({ field, before: current[field as keyof PeerTubeResource], after }));
    const changed = Object.fromEntries(diff.map((d) => [d.field, d.after]));
    if (flags.dryRun) {
      if (globals.json)
        out.resultJson({ id: videoId, dryRun: true, diff, body: await body(session, changed) });
      else
        out.result(
          diff.length === 0
            ? 'no change'
            : diff.map((d) => `${d.field}: ${show(d.before)} -> ${show(d.after)}`).join('\n'),
        );
      out.info('Dry run: nothing was sent.');
      return;
    }
    if (diff.length > 0)
      await session.api.send('PUT', `/videos/${encodeURIComponent(videoId)}`, {
        json: await body(session, changed),
      });
    if (globals.json) out.resultJson({ id: videoId, diff });
    else out.result(videoId);
    if (diff.length === 0) out.info('Nothing to change: the video already has these values.');
    else for (const d of diff) out.info(`${d.field}: ${show(d.before)} -> ${show(d.after)}`);
  } catch (error) {
    throw mapPeerTubeError(error, {
      action: `update ${videoId}`,
      profile: globals.profile,
      instance: session.instance,
    });
  } finally {
    session.transport.close();
  }
}

export const peertubeUpdate: MetadataUpdater = { cost: 0, apply, command };
