// This file is the text-track kind of attachment: /videos/{id}/texttracks (api.yaml Videos\Text Tracks, `text-track`).
import { type AttachmentKind, linkOf } from './attachments.js';
import type { VimeoCore } from './core.js';
import { type Json, MEDIA } from './request.js';
import type { TextTrackRec } from './state.js';

const TYPES = ['captions', 'chapters', 'descriptions', 'metadata', 'subtitles'];

/** WebVTT, or SRT (a cue number, then `00:00:01,000 --> …`), the formats Vimeo's caption guide names first. */
function trackType(data: Buffer): string | undefined {
  const text = data.toString('utf8').replace(/^\uFEFF/, '');
  if (/^WEBVTT(\s|$)/.test(text)) return 'text/vtt';
  if (/^\s*\d+\r?\n\d{2}:\d{2}:\d{2},\d{3} --> \d{2}:\d{2}:\d{2},\d{3}/.test(text))
    return 'application/x-subrip';
  return undefined;
}

function trackResource(core: VimeoCore, t: TextTrackRec, _withLink: boolean): Json {
  // The link is the upload target at creation and the read-only file after (api.yaml: "You can upload to this link
  // when you create it for the first time").
  const far = new Date(t.createdAt + 24 * 3600 * 1000).toISOString();
  return {
    uri: `/videos/${t.videoId}/texttracks/${t.id}`,
    active: t.active,
    type: t.type,
    language: t.language,
    name: t.name,
    link: linkOf(core, 'texttrack', t),
    link_expires_time: far,
    hls_link: `${core.uploadUrl}/texttracks/${t.linkToken}.vtt`,
    hls_link_expires_time: far,
  };
}

export const TEXTTRACKS: AttachmentKind<TextTrackRec> = {
  kind: 'texttrack',
  segment: 'texttracks',
  media: MEDIA.texttrack,
  records: (core) => core.state.texttracks,
  resource: trackResource,
  fields: (body) => {
    const problems: [string, string][] = [];
    for (const key of Object.keys(body))
      if (!['type', 'language', 'name', 'active'].includes(key))
        problems.push([key, 'is not a field of this method']);
    if (!TYPES.includes(body.type as string)) problems.push(['type', `must be one of ${TYPES.join(', ')}`]);
    if (typeof body.language !== 'string' || !/^[a-z]{2,3}([_-][A-Za-z0-9]{2,8})*$/.test(body.language))
      problems.push(['language', 'must be a language code such as en or en-US']);
    if (typeof body.name !== 'string' || body.name.trim() === '') problems.push(['name', 'is required']);
    if (problems.length > 0) return problems;
    return { type: body.type as string, language: body.language as string, name: body.name as string };
  },
  // api.yaml edit_text_track: "Only one text track per language, and type, can be active."
  sameSlot: (a, b) => a.videoId === b.videoId && a.language === b.language && a.type === b.type,
  accept: trackType,
  maxBytes: 10 * 1024 * 1024,
};
