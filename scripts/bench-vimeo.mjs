// This file is the Vimeo part of `npm run bench` (issue 26): a file to the sandbox's tus endpoint (@tus/server with its
// file store, behind the Vimeo emulator), by vupload in one PATCH and in 8 MiB PATCHes, against curl sending the same
// PATCHes to the same server (one curl process, the PATCHes one after another on its connection). Each side creates
// its video with the same POST /me/videos first; vupload's run also logs in, asks the quota, hashes the content and
// journals it, as a user's run does. Every video is deleted after its run, so the disk holds one upload at a time.
import { closeSync, existsSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MiB, makeSparseFile, measured, median, root } from './bench-run.mjs';

const HEADER = Buffer.from('000000186674797069736f6d0000020069736f6d69736f32', 'hex');
const ACCEPT = 'application/vnd.vimeo.*+json;version=3.4';

/** The bytes [start, end) of makeSparseFile's file, as a sparse file of their own (what one PATCH carries). */
function sparsePiece(dir, size, start, end, index) {
  const path = join(dir, `piece-${index}.bin`);
  const fd = openSync(path, 'w');
  ftruncateSync(fd, end - start);
  if (start < HEADER.length)
    writeSync(fd, HEADER.subarray(start, Math.min(end, HEADER.length)), 0, undefined, 0);
  if (end === size) writeSync(fd, Buffer.from([1]), 0, 1, end - start - 1);
  closeSync(fd);
  return path;
}

/** A new video of `size` bytes with the tus approach; its upload link. */
async function createVideo(url, token, size) {
  const res = await fetch(`${url}/me/videos`, {
    method: 'POST',
    headers: { Authorization: `bearer ${token}`, Accept: ACCEPT, 'Content-Type': 'application/json' },
    body: JSON.stringify({ upload: { approach: 'tus', size }, name: 'curl' }),
  });
  const video = await res.json();
  if (!video.upload?.upload_link) throw new Error(`no upload link (${res.status})`);
  return video.upload.upload_link;
}

/** curl's arguments for the PATCHes of `pieces` (each [offset, file]) to `link`, one process, one connection. */
function curlArgs(link, pieces) {
  const args = [];
  for (const [i, [offset, file]] of pieces.entries()) {
    if (i > 0) args.push('--next');
    args.push('-sS', '-f', '-o', '/dev/null', '-X', 'PATCH', '-H', 'Expect:', '-H', 'Tus-Resumable: 1.0.0');
    args.push('-H', `Upload-Offset: ${offset}`, '-H', 'Content-Type: application/offset+octet-stream');
    args.push('-T', file, link);
  }
  return args;
}

/** Runs the Vimeo cases `runs` times, interleaved, for a file of `mib` MiB; returns the report's lines. */
export async function benchVimeo({ work, mib, runs, curl }) {
  const { startVimeoSandbox } = await import(join(root, 'dist/src/sandbox/vimeo/index.js'));
  // The server's files in memory where there is a tmpfs: the figures are the client's, not the disk's (a 1 GiB write
  // to a shared disk varies by seconds from run to run).
  const shm = existsSync('/dev/shm') ? mkdtempSync('/dev/shm/vupload-bench-vimeo-') : undefined;
  const sb = await startVimeoSandbox({ processingMs: 10, ...(shm ? { dir: shm } : {}) });
  const token = sb.personalToken();
  const config = join(work, 'vimeo-config');
  const { writeVimeoToken } = await import(join(root, 'dist/src/providers/vimeo/token-store.js'));
  await writeVimeoToken(config, {
    version: 1,
    provider: 'vimeo',
    profile: 'default',
    access_token: token,
    token_type: 'bearer',
    scope: 'public private upload edit create interact delete',
    api_url: sb.url,
    source: 'import',
    created_at: new Date().toISOString(),
  });
  const env = {
    PATH: process.env.PATH,
    HOME: work,
    VUPLOAD_CONFIG_DIR: config,
    VUPLOAD_STATE_DIR: join(work, 'vimeo-state'),
    VUPLOAD_VIMEO_API_URL: sb.url,
  };
  const size = mib * MiB;
  const file = makeSparseFile(work, mib);
  const chunk = 8 * MiB;
  const pieces = [];
  for (let start = 0, i = 0; start < size; start += chunk, i++) {
    const end = Math.min(size, start + chunk);
    pieces.push([start, sparsePiece(work, size, start, end, i)]);
  }
  const dropVideos = async () => {
    for (const id of sb.videoIds())
      await fetch(`${sb.url}/videos/${id}`, {
        method: 'DELETE',
        headers: { Authorization: `bearer ${token}` },
      });
  };
  const vupload = (extra) =>
    measured(
      process.execPath,
      [
        join(root, 'bin/vupload.cjs'),
        'upload',
        file,
        '--provider',
        'vimeo',
        '--title',
        'bench',
        '--force',
        '--quiet',
        ...extra,
      ],
      { env, dir: work },
    );
  const cases = [
    ...(curl
      ? [
          [
            'curl, one PATCH',
            async () =>
              measured(curl, curlArgs(await createVideo(sb.url, token, size), [[0, file]]), { dir: work }),
          ],
          [
            'curl, 8 MiB PATCHes',
            async () =>
              measured(curl, curlArgs(await createVideo(sb.url, token, size), pieces), { dir: work }),
          ],
        ]
      : []),
    ['vupload, one PATCH', () => vupload([])],
    ['vupload, --chunk-size 8M', () => vupload(['--chunk-size', '8M'])],
  ];
  const results = new Map(cases.map(([name]) => [name, []]));
  try {
    for (let i = 0; i < runs; i++) {
      for (const [name, run] of cases) {
        results.get(name).push(await run());
        await dropVideos();
      }
    }
  } finally {
    await sb.close();
    if (shm) rmSync(shm, { recursive: true, force: true });
  }
  const pick = (name, key) => median(results.get(name).map((r) => r[key]));
  const f = (n, d = 2) => n.toFixed(d).padStart(7);
  const lines = [
    `\nVimeo: ${mib >= 1024 ? `${mib / 1024} GiB` : `${mib} MiB`} to the sandbox's tus endpoint (@tus/server, file store${shm ? ' on tmpfs' : ''}; medians of ${runs}):`,
    `${'case'.padEnd(30)}${'wall'.padStart(9)}${'CPU'.padStart(9)}${'peak RSS'.padStart(12)}  wall× curl (same PATCHes)`,
  ];
  for (const [name] of cases) {
    const base = name.includes('8') ? 'curl, 8 MiB PATCHes' : 'curl, one PATCH';
    const ratio = results.has(base) ? `  ×${(pick(name, 'wall') / pick(base, 'wall')).toFixed(2)}` : '';
    lines.push(
      `${name.padEnd(30)}${f(pick(name, 'wall'))} s${f(pick(name, 'cpu'))} s${f(pick(name, 'rss'), 1)} MiB${ratio}`,
    );
  }
  lines.push('Target: ≤ 1.10× curl.');
  return lines;
}

// `node scripts/bench-vimeo.mjs` runs this part alone (after `npm run build`), with the same BENCH_* variables.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { assertGnuTime } = await import('./bench-run.mjs');
  assertGnuTime();
  const quick = Boolean(process.env.BENCH_QUICK);
  const work = mkdtempSync(join(tmpdir(), 'vupload-bench-vimeo-'));
  try {
    const lines = await benchVimeo({
      work,
      mib: Number(process.env.BENCH_VIMEO_MIB ?? (quick ? '256' : '1024')),
      runs: Number(process.env.BENCH_RUNS ?? (quick ? 1 : 3)),
      curl: process.env.BENCH_BASELINE === 'node' ? undefined : 'curl',
    });
    for (const line of lines) console.log(line);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
