// This file makes test videos (a valid MP4 'ftyp' box, then random bytes) in a private temp dir per test, and the
// engine options that upload one to the sandbox.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sandbox } from '../../src/sandbox/youtube/index.js';
import type { UploadOptions } from '../../src/upload/index.js';

/** The 24-byte 'ftyp' box an MP4 starts with (isom brand), so sniffing servers take the file for a video. */
export const FTYP = Buffer.concat([
  Buffer.from([0, 0, 0, 24]),
  Buffer.from('ftypisom', 'latin1'),
  Buffer.from([0, 0, 2, 0]),
  Buffer.from('isommp41', 'latin1'),
]);

export function videoBytes(size: number): Buffer {
  const bytes = randomBytes(size);
  FTYP.copy(bytes, 0, 0, Math.min(size, FTYP.length));
  return bytes;
}

export async function writeVideo(
  dir: string,
  name: string,
  size: number,
): Promise<{ path: string; bytes: Buffer }> {
  const path = join(dir, name);
  const bytes = videoBytes(size);
  await writeFile(path, bytes);
  return { path, bytes };
}

export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'vupload-upload-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** The engine options that upload `file` to the sandbox as its default user; a 401 mints a fresh token. */
export function sandboxUpload(sb: Sandbox, file: string, metadata: unknown): UploadOptions {
  let token = sb.mintToken().access_token;
  return {
    file,
    initUrl: `${sb.url}/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status`,
    metadata,
    account: 'sandbox-user',
    contentType: 'video/mp4',
    auth: {
      headers: () => ({ Authorization: `Bearer ${token}` }),
      refresh: async () => {
        token = sb.mintToken().access_token;
      },
    },
  };
}
