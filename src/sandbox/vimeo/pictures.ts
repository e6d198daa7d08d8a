// This file is the thumbnail kind of attachment: /videos/{id}/pictures (api.yaml Videos\Thumbnails, `picture` schema).
import { type AttachmentKind, linkOf } from './attachments.js';
import type { VimeoCore } from './core.js';
import { type Json, MEDIA } from './request.js';
import type { PictureRec, VideoRec } from './state.js';

/** JPEG, PNG, GIF and WebP, told by their first bytes. */
function imageType(data: Buffer): string | undefined {
  if (data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (data.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex'))) return 'image/png';
  if (data.toString('latin1', 0, 4) === 'GIF8') return 'image/gif';
  if (data.toString('latin1', 0, 4) === 'RIFF' && data.toString('latin1', 8, 12) === 'WEBP')
    return 'image/webp';
  return undefined;
}

function pictureResource(core: VimeoCore, p: PictureRec, withLink: boolean): Json {
  const file = `${core.uploadUrl}/images/${p.linkToken}`;
  return {
    uri: `/videos/${p.videoId}/pictures/${p.id}`,
    active: p.active,
    type: 'custom',
    resource_key: p.linkToken.slice(0, 16),
    base_link: file,
    sizes: p.upload
      ? [
          {
            width: 1920,
            height: 1080,
            link: `${file}_1920x1080`,
            link_with_play_button: `${file}_1920x1080?play`,
          },
        ]
      : [],
    // "The upload URL for the picture. This field appears when you create the picture resource for the first time."
    ...(withLink ? { link: linkOf(core, 'picture', p) } : {}),
  };
}

export const PICTURES: AttachmentKind<PictureRec> = {
  kind: 'picture',
  segment: 'pictures',
  media: MEDIA.picture,
  records: (core) => core.state.pictures,
  resource: pictureResource,
  fields: (body) => {
    const bad = Object.keys(body).filter((k) => !['active', 'time'].includes(k));
    return bad.length > 0 ? bad.map((k): [string, string] => [k, 'is not a field of this method']) : {};
  },
  sameSlot: (a, b) => a.videoId === b.videoId,
  accept: imageType,
  maxBytes: 50 * 1024 * 1024,
};

/** The video's active picture, or Vimeo's default one (type `default`) while no custom one is active. */
export function activePicture(core: VimeoCore, v: VideoRec): Json {
  const active = Object.values(core.state.pictures).find((p) => p.videoId === v.id && p.active);
  if (active) return pictureResource(core, active, false);
  return { uri: null, active: true, type: 'default', sizes: [], resource_key: v.unlistedHash };
}
