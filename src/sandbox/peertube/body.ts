// This file reads request bodies as PeerTube's Express stack does: express.json (500 kB), express.urlencoded and
// multer for multipart/form-data (field names with [] or [n] become arrays, as append-field builds them).
import { ApiError } from '../errors.js';
import type { Ctx } from '../http.js';
import { redact } from '../http.js';
import { boundaryOf, parseMultipart } from '../multipart.js';
import { PtError } from './errors.js';

export interface FormFile {
  filename: string;
  mimeType: string;
  data: Buffer;
}

export interface Form {
  kind: 'json' | 'urlencoded' | 'multipart' | 'none';
  fields: Record<string, unknown>;
  files: Record<string, FormFile[]>;
}

/** body-parser's limit for JSON (server.ts: express.json({ limit: '500kb' })). */
const JSON_LIMIT = 500 * 1024;
/** Enough for a 20 MB caption or a 4 MB image with room to spare; PeerTube's reverse proxy sets its own. */
const MULTIPART_LIMIT = 64 * 1024 * 1024;

const tooLarge = () => new PtError(413, 'request entity too large', { type: 'PayloadTooLargeError' });

/** Reads and parses the body by its Content-Type; logs JSON and forms (secrets redacted), never file contents. */
export async function readForm(ctx: Ctx): Promise<Form> {
  const type = (ctx.header('content-type') ?? '').toLowerCase();
  const empty: Form = { kind: 'none', fields: {}, files: {} };
  try {
    if (/^application\/(json|[^;]*\+json)\s*(;|$)/.test(type)) {
      const text = await ctx.text(JSON_LIMIT);
      if (text === '') return { ...empty, kind: 'json' };
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        throw new PtError(400, (err as Error).message, { type: 'SyntaxError' });
      }
      // body-parser's strict mode: only objects and arrays.
      if (typeof value !== 'object' || value === null)
        throw new PtError(400, `Unexpected token in JSON at position 0`, { type: 'SyntaxError' });
      ctx.entry.json = value;
      return { kind: 'json', fields: value as Record<string, unknown>, files: {} };
    }
    if (type.startsWith('application/x-www-form-urlencoded')) {
      const fields: Record<string, unknown> = {};
      for (const [k, v] of new URLSearchParams(await ctx.text(JSON_LIMIT))) appendField(fields, k, v);
      ctx.entry.form = redact(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, String(v)])));
      return { kind: 'urlencoded', fields, files: {} };
    }
    const boundary = type.startsWith('multipart/form-data')
      ? boundaryOf(ctx.header('content-type'))
      : undefined;
    if (boundary) return await readMultipart(ctx, boundary);
  } catch (err) {
    if (err instanceof ApiError && err.status === 413) throw tooLarge();
    throw err;
  }
  await ctx.drain();
  return empty;
}

async function readMultipart(ctx: Ctx, boundary: string): Promise<Form> {
  const form: Form = { kind: 'multipart', fields: {}, files: {} };
  let part: { name: string; filename?: string; mimeType: string; chunks: Buffer[] } | undefined;
  let total = 0;
  const close = () => {
    if (!part) return;
    const data = Buffer.concat(part.chunks);
    if (part.filename !== undefined) {
      const list = form.files[part.name] ?? [];
      list.push({ filename: part.filename, mimeType: part.mimeType, data });
      form.files[part.name] = list;
    } else appendField(form.fields, part.name, data.toString('utf8'));
    part = undefined;
  };
  try {
    for await (const ev of parseMultipart(ctx.body(), boundary)) {
      if (ev.type === 'part') {
        close();
        const disposition = ev.headers['content-disposition'] ?? '';
        const name = /\bname="([^"]*)"/i.exec(disposition)?.[1] ?? '';
        const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
        // busboy's default type of a file part without Content-Type.
        part = {
          name,
          filename,
          mimeType: ev.headers['content-type'] ?? 'application/octet-stream',
          chunks: [],
        };
      } else if (ev.type === 'data' && part) {
        total += ev.data.length;
        if (total > MULTIPART_LIMIT) throw tooLarge();
        part.chunks.push(Buffer.from(ev.data));
      } else if (ev.type === 'end') close();
    }
  } catch (err) {
    // Multer's errors reach PeerTube's last error handler: 500 with the busboy message.
    if (err instanceof ApiError) throw new PtError(500, 'Unexpected end of form', { type: 'Error' });
    throw err;
  }
  ctx.entry.form = redact(Object.fromEntries(Object.entries(form.fields).map(([k, v]) => [k, String(v)])));
  return form;
}

/** append-field: `a[]` appends, `a[2]` sets an index, `a[b]` a member; a repeated plain name becomes an array. */
export function appendField(store: Record<string, unknown>, key: string, value: string): void {
  const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
  const path = m ? [m[1]!, ...[...m[2]!.matchAll(/\[([^[\]]*)\]/g)].map((s) => s[1]!)] : [key];
  let node = store as Record<string, unknown>;
  for (let i = 0; i < path.length; i++) {
    const step = path[i]!;
    const last = i === path.length - 1;
    const next = path[i + 1];
    if (last) {
      const prev = node[step];
      if (step === '' && Array.isArray(node)) (node as unknown[]).push(value);
      else if (prev === undefined) node[step] = value;
      else node[step] = Array.isArray(prev) ? [...prev, value] : [prev, value];
      return;
    }
    if (next === '') {
      const arr = Array.isArray(node[step]) ? (node[step] as unknown[]) : [];
      arr.push(value);
      node[step] = arr;
      return;
    }
    if (typeof node[step] !== 'object' || node[step] === null)
      node[step] = /^\d+$/.test(next ?? '') ? [] : {};
    node = node[step] as Record<string, unknown>;
  }
}
