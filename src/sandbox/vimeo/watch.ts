// This file serves the watch page a video's `link` points at (vimeo.com/{id}, or /{id}/{hash} when unlisted).
import type { VReq } from './request.js';
import { transcodeStatus } from './videos.js';

export async function watchPage(r: VReq): Promise<void> {
  const [, id, hash] = r.ctx.url.pathname.split('/');
  const v = r.core.state.videos[id ?? ''];
  const visible =
    v && (v.privacy.view === 'anybody' || (v.privacy.view === 'unlisted' && hash === v.unlistedHash));
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const html = visible
    ? `<!doctype html><html><head><title>${esc(v.name)}</title></head><body><h1>${esc(v.name)}</h1><p>Transcoding: ${transcodeStatus(r.core, v)}</p></body></html>`
    : '<!doctype html><html><head><title>Not found</title></head><body><h1>Sorry, this video does not exist.</h1></body></html>';
  return r.ctx.send(visible ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' }, html);
}
