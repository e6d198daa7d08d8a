// This file holds Vimeo's JSON filter (`fields=uri,upload.status`) and its paginated list envelope, as pure helpers.
import { invalidParameters } from './errors.js';

type Json = Record<string, unknown>;
interface Tree {
  [key: string]: Tree;
}

function treeOf(fields: string): Tree {
  const tree: Tree = {};
  for (const path of fields.split(',').map((f) => f.trim())) {
    if (!path) continue;
    let node = tree;
    for (const key of path.split('.')) {
      node[key] ??= {};
      node = node[key];
    }
  }
  return tree;
}

function pick(value: unknown, tree: Tree): unknown {
  if (Object.keys(tree).length === 0) return value;
  if (Array.isArray(value)) return value.map((v) => pick(v, tree));
  if (value === null || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [key, sub] of Object.entries(tree)) {
    if (key in (value as Json)) out[key] = pick((value as Json)[key], sub);
  }
  return out;
}

/**
 * Keeps only the named fields (dot paths reach into objects and into each element of arrays), as Vimeo's
 * `fields` parameter does ("Using the fields parameter", developer.vimeo.com/api/common-formats). Fields the
 * object does not have are left out, not an error.
 */
export function pickFields(value: Json, fields: string | undefined): Json {
  if (fields === undefined || fields.trim() === '') return value;
  return pick(value, treeOf(fields)) as Json;
}

export interface PageParams {
  page: number;
  perPage: number;
}

/** page (from 1) and per_page (1–100, default 25; api.yaml: "up to a maximum of 100"). */
export function pageParams(query: (name: string) => string | undefined): PageParams {
  const read = (name: string, fallback: number, max: number) => {
    const text = query(name);
    if (text === undefined) return fallback;
    if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > max)
      throw invalidParameters([[name, `must be a whole number from 1 to ${max}`]]);
    return Number(text);
  };
  return { page: read('page', 1, 1_000_000), perPage: read('per_page', 25, 100) };
}

/**
 * Vimeo's list envelope: {total, page, per_page, paging: {next, previous, first, last}, data}. Paging URIs keep
 * the request's other parameters; `fields` filters the items in data, not the envelope.
 */
export function paginate(
  items: Json[],
  path: string,
  search: URLSearchParams,
  { page, perPage }: PageParams,
  fields?: string,
): Json {
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (n: number) => {
    const q = new URLSearchParams(search);
    q.set('page', String(n));
    return `${path}?${q.toString()}`;
  };
  return {
    total: items.length,
    page,
    per_page: perPage,
    paging: {
      next: page < last ? link(page + 1) : null,
      previous: page > 1 ? link(Math.min(page - 1, last)) : null,
      first: link(1),
      last: link(last),
    },
    data: items.slice((page - 1) * perPage, page * perPage).map((item) => pickFields(item, fields)),
  };
}

/** Sorts by a key with a direction (asc|desc, api.yaml `direction`); ties follow insertion order the same way. */
export function sortBy<T>(items: T[], key: (item: T) => string | number, descending: boolean): T[] {
  const sign = descending ? -1 : 1;
  return items
    .map((item, i) => ({ item, i, k: key(item) }))
    .sort((a, b) => (a.k < b.k ? -sign : a.k > b.k ? sign : sign * (a.i - b.i)))
    .map(({ item }) => item);
}

/** ISO 8601 with seconds and an offset, as Vimeo writes times ('2018-03-05T21:04:47+00:00'). */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}
