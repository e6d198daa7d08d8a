// This file runs and measures the processes `npm run bench` compares: whole-process wall, user, sys and peak RSS.
import { execFile } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

export const MiB = 1024 * 1024;
export const root = join(import.meta.dirname, '..');
const GNU_TIME = '/usr/bin/time';

export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** GNU time reports each process's own user/sys time and peak RSS, start-up included (Debian package `time`). */
export function assertGnuTime() {
  if (!existsSync(GNU_TIME)) throw new Error(`${GNU_TIME} (GNU time) is needed: apt-get install time`);
}

/** A sparse file with an MP4 header: reading it costs no disk, so the figures measure the upload path. */
export function makeSparseFile(dir, mib) {
  const path = join(dir, `bench-${mib}.mp4`);
  const fd = openSync(path, 'w');
  writeSync(fd, Buffer.from('000000186674797069736f6d0000020069736f6d69736f32', 'hex'));
  writeSync(fd, Buffer.from([1]), 0, 1, mib * MiB - 1);
  closeSync(fd);
  return path;
}

/**
 * Runs `command args` under GNU time, asynchronously (the sink lives in this process and must keep serving).
 * Resolves with wall seconds (monotonic, spawn to exit), user and sys seconds, peak RSS in MiB and stdout.
 */
export function measured(command, args, options = {}) {
  const report = join(options.dir ?? root, `time-${process.pid}-${Math.random().toString(36).slice(2)}.txt`);
  const start = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    execFile(
      GNU_TIME,
      ['-o', report, '-f', '%U %S %M', command, ...args],
      { env: options.env ?? process.env, maxBuffer: 16 * MiB },
      (error, stdout, stderr) => {
        const wall = Number(process.hrtime.bigint() - start) / 1e9;
        const text = existsSync(report) ? readFileSync(report, 'utf8').trim().split('\n').at(-1) : '';
        rmSync(report, { force: true });
        if (error) {
          reject(new Error(`${command} ${args.join(' ')} failed: ${stderr || error.message}`));
          return;
        }
        const [user, sys, maxRssKiB] = text.split(' ').map(Number);
        resolve({ wall, user, sys, cpu: user + sys, rss: maxRssKiB / 1024, stdout });
      },
    );
  });
}

/**
 * What `vupload` needs to upload to the sink as a logged-in user: client secrets, a cached access token valid for a
 * day (so no run refreshes it), separate config and state directories, and a quota budget that never runs out.
 */
export function loggedInEnv(dir, sink) {
  const secrets = sink.clientSecrets();
  const config = join(dir, 'config');
  mkdirSync(join(config, 'tokens'), { recursive: true, mode: 0o700 });
  const secretsFile = join(dir, 'client_secrets.json');
  writeFileSync(secretsFile, JSON.stringify(secrets));
  const token = sink.mintToken({ ttlSec: 86_400 });
  const now = Date.now();
  const stored = {
    version: 1,
    profile: 'default',
    client_id: secrets.installed.client_id,
    access_token: token.access_token,
    refresh_token: token.refresh_token,
    expiry_date: now + token.expires_in * 1000,
    scope: token.scope,
    token_type: 'Bearer',
    token_uri: secrets.installed.token_uri,
    created_at: new Date(now).toISOString(),
    source: 'login',
  };
  writeFileSync(join(config, 'tokens', 'default.json'), JSON.stringify(stored), { mode: 0o600 });
  return {
    token: token.access_token,
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      VUPLOAD_API_URL: sink.url,
      VUPLOAD_CLIENT_SECRETS: secretsFile,
      VUPLOAD_CONFIG_DIR: config,
      VUPLOAD_STATE_DIR: join(dir, 'state'),
      VUPLOAD_QUOTA: '1000000000',
    },
  };
}

/** `vupload --file FILE` as a user runs it (the real CLI: lock, journal, content hash), sending again each time. */
export function vuploadArgs(file, chunkBytes) {
  const args = [join(root, 'bin/vupload.cjs'), '--file', file, '--title', 'bench', '--force', '--quiet'];
  if (chunkBytes) args.push('--chunk-size', String(chunkBytes));
  return args;
}

/** Starts an upload session of `size` bytes at `apiUrl` (the sink or the sandbox) for a client outside vupload (curl). */
export async function startSession(apiUrl, token, size) {
  const res = await fetch(`${apiUrl}/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json',
      'X-Upload-Content-Length': String(size),
    },
    body: JSON.stringify({
      snippet: { title: 'baseline', categoryId: '22' },
      status: { privacyStatus: 'private' },
    }),
  });
  const location = res.headers.get('location');
  if (!location) throw new Error(`${apiUrl} made no session (${res.status})`);
  return new URL(location, apiUrl).href;
}
