// This file checks and encodes an upload's metadata as create.json's parameters (API-NOTES §10).
import { usageError } from '../../errors.js';
import type { YoukuUploadOptions } from './options.js';

/** Title and tags are required by create; the enumerations are Youku's (API-NOTES §10). Exit 2 before any request. */
export function youkuMetadata(o: YoukuUploadOptions): Record<string, string> {
  const title = o.title?.trim() ?? '';
  if (!title) throw usageError('a title is required for Youku');
  const tags = (Array.isArray(o.tags) ? o.tags : (o.tags ?? '').split(','))
    .map((t) => t.trim())
    .filter(Boolean);
  if (tags.length === 0) throw usageError('Youku requires at least one tag', 'add --tags a,b');
  if (o.copyrightType && !['original', 'reproduced'].includes(o.copyrightType))
    throw usageError(`copyright type must be original or reproduced, not "${o.copyrightType}"`);
  if (o.publicType && !['all', 'friend', 'password'].includes(o.publicType))
    throw usageError(`public type must be all, friend or password, not "${o.publicType}"`);
  if (o.publicType === 'password' && !o.watchPassword)
    throw usageError('public type "password" needs a watch password');
  const m: Record<string, string> = { title, tags: tags.join(',') };
  if (o.description) m.description = o.description;
  if (o.category) m.category = o.category;
  if (o.copyrightType) m.copyright_type = o.copyrightType;
  if (o.publicType) m.public_type = o.publicType;
  if (o.watchPassword) m.watch_password = o.watchPassword;
  return m;
}
