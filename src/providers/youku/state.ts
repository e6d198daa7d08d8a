// This file keeps a Youku upload's resume state in <stateDir>/youku/<key>.json (0600, atomic), never beside the video.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { jsonRecordFiles } from '../../json-records.js';
import type { ProviderStateStore } from '../../state/store.js';
import { ContentHasher, type FileSnapshot, sessionKey } from '../../upload/index.js';

/** What create and create_file established, and what identifies the file they were for. */
export interface YoukuUploadState {
  version: 1;
  /** A capability to upload into this video: hence 0600. */
  uploadToken: string;
  /** upload_server_uri exactly as create gave it. */
  uploadServerUri: string;
  /** The address connected to: http://IP[:port], resolved once (the SDKs pin the upload server by IP). */
  uploadServer: string;
  /** The video id create returned (commit's may differ; both go to the journal). */
  createVideoId: string;
  fileCreated: boolean;
  path: string;
  size: number;
  mtimeMs: number;
  md5: string;
  metadata: Record<string, string>;
  account: string;
  apiUrl: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
}

/** The seed's author kept this beside the video until that disk filled up (API-NOTES §10); ours is private state. */
export function youkuStateDir(stateDir: string): string {
  return join(stateDir, 'youku');
}

export function youkuStateKey(path: string, account: string, apiUrl: string): string {
  return sessionKey({ path, account, initUrl: `youku:${apiUrl}` });
}

/** Youku's resume state in a provider state store (files in `<stateDir>/youku/`, or the state database). */
export interface YoukuStates {
  load(key: string): Promise<YoukuUploadState | undefined>;
  save(key: string, state: YoukuUploadState): Promise<void>;
  remove(key: string): Promise<void>;
}

/** `store` (default: the files of `<stateDir>/youku/`), with each record checked as it is read. */
export function youkuStates(stateDir: string, store?: ProviderStateStore): YoukuStates {
  const records = store ?? jsonRecordFiles(youkuStateDir(stateDir), 'state');
  return {
    load: async (key) => asYoukuState(await records.load(key)),
    save: (key, state) => records.save(key, state),
    remove: (key) => records.remove(key),
  };
}

/** A damaged record counts as none: the worst outcome is a new upload, never a wrong one. */
function asYoukuState(record: unknown): YoukuUploadState | undefined {
  const s = record as Partial<YoukuUploadState> | undefined;
  return s?.version === 1 && typeof s.uploadToken === 'string' && typeof s.uploadServer === 'string'
    ? (s as YoukuUploadState)
    : undefined;
}

/** Why a kept state may not be continued, or undefined when it may: same file (size, mtime, MD5), same metadata. */
export function staleReason(
  state: YoukuUploadState,
  now: { snapshot: FileSnapshot; md5: string; metadata: Record<string, string> },
): 'fileChanged' | 'metadataChanged' | undefined {
  const { snapshot, md5 } = now;
  if (state.size !== snapshot.size || state.mtimeMs !== snapshot.mtimeMs || state.md5 !== md5)
    return 'fileChanged';
  if (JSON.stringify(state.metadata) !== JSON.stringify(now.metadata)) return 'metadataChanged';
  return undefined;
}

/** Hex MD5 (Youku's file_md5) and the journal's content hash of the whole file, in one read. */
export async function hashesOf(path: string): Promise<{ md5: string; contentHash: string }> {
  const md5 = createHash('md5');
  const content = await ContentHasher.create();
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    md5.update(chunk as Buffer);
    content.update(content.hashed, chunk as Buffer);
  }
  return { md5: md5.digest('hex'), contentHash: content.digest() };
}

/** Hex MD5 of bytes [start, end) of the file, streamed (the whole file by default). */
export async function md5OfRange(path: string, start = 0, end?: number): Promise<string> {
  const md5 = createHash('md5');
  if (end !== undefined && end <= start) return md5.digest('hex');
  const stream = createReadStream(path, {
    start,
    end: end === undefined ? undefined : end - 1,
    highWaterMark: 256 * 1024,
  });
  for await (const chunk of stream) md5.update(chunk as Buffer);
  return md5.digest('hex');
}
