// This file is the PeerTube part of `npm run bench` (issue 25, "Bench"): vupload uploading to the PeerTube emulator's
// upload-resumable endpoint (uploadx itself, writing to disk) in one request and in 8 MiB chunks, against curl
// sending the same PUTs (one, or one per 8 MiB chunk over one connection) to the same endpoint, in the same run.
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { MiB, makeSparseFile, measured, median, root } from './bench-run.mjs';

const CHUNK = 8 * MiB;

/** A PeerTube session for curl, as vupload makes one: POST /videos/upload-resumable with the metadata. */
async function startSession(url, token, channelId, size) {
  const res = await fetch(`${url}/api/v1/videos/upload-resumable`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json',
      'X-Upload-Content-Length': String(size),
      'X-Upload-Content-Type': 'video/mp4',
    },
    body: JSON.stringify({ name: 'baseline', channelId, filename: 'bench.mp4', privacy: 3 }),
  });
  const location = res.headers.get('location');
  if (res.status !== 201 || !location) throw new Error(`no PeerTube session (${res.status})`);
  return location;
}

/**
 * The chunks of the bench file as curl can send them: the file is sparse (an MP4 header, zeros, a last byte), so its
 * 8 MiB chunks are the first (with the header), zero-filled middle ones and the last; three files hold them all.
 */
function chunkFiles(dir, size) {
  const write = (name, length, pokes) => {
    const path = join(dir, name);
    const fd = openSync(path, 'w');
    for (const [at, bytes] of pokes) writeSync(fd, bytes, 0, bytes.length, at);
    if (pokes.length === 0 || pokes.at(-1)[0] + pokes.at(-1)[1].length < length)
      writeSync(fd, Buffer.alloc(1), 0, 1, length - 1);
    closeSync(fd);
    return path;
  };
  const header = Buffer.from('000000186674797069736f6d0000020069736f6d69736f32', 'hex');
  const lastLength = size % CHUNK || CHUNK;
  return {
    first: write('chunk-first', CHUNK, [[0, header]]),
    middle: write('chunk-middle', CHUNK, []),
    last: write('chunk-last', lastLength, [[lastLength - 1, Buffer.from([1])]]),
  };
}

/** A curl config that PUTs every chunk of `size` bytes to `location` in order, over one connection. */
function curlChunksConfig(dir, files, location, token, size) {
  const lines = [];
  const count = Math.ceil(size / CHUNK);
  for (let i = 0; i < count; i++) {
    const start = i * CHUNK;
    const end = Math.min(size, start + CHUNK) - 1;
    const file = i === 0 ? files.first : i === count - 1 ? files.last : files.middle;
    if (i > 0) lines.push('next');
    lines.push(
      `upload-file = "${file}"`,
      `url = "${location}"`,
      'silent',
      'show-error',
      'fail',
      'output = "/dev/null"',
      'header = "Expect:"',
      `header = "Authorization: Bearer ${token}"`,
      `header = "Content-Range: bytes ${start}-${end}/${size}"`,
    );
  }
  const path = join(dir, 'curl-chunks.conf');
  writeFileSync(path, `${lines.join('\n')}\n`, { mode: 0o600 });
  return path;
}

/**
 * Runs the cases `runs` times each, interleaved, at `mib` MiB; returns the table's lines. Each vupload run is the
 * real CLI (--force: a new video each time), logged in once through vupload's own login.
 */
export async function benchPeerTube({ work, mib, runs, curl }) {
  const { startPeerTubeSandbox, PEERTUBE_SANDBOX_USER } = await import(
    join(root, 'dist/src/sandbox/peertube/index.js')
  );
  const sb = await startPeerTubeSandbox({ dir: join(work, 'peertube'), storage: 'hash', processingMs: 0 });
  const env = {
    PATH: process.env.PATH,
    HOME: work,
    VUPLOAD_CONFIG_DIR: join(work, 'pt-config'),
    VUPLOAD_STATE_DIR: join(work, 'pt-state'),
    VUPLOAD_PEERTUBE_URL: sb.url,
  };
  const bin = join(root, 'bin/vupload.cjs');
  try {
    await measured(
      process.execPath,
      [bin, 'auth', 'login', '--provider', 'peertube', '--username', 'sandbox'],
      {
        env: { ...env, VUPLOAD_PEERTUBE_PASSWORD: PEERTUBE_SANDBOX_USER.password },
        dir: work,
      },
    );
    const token = sb.mintToken().access_token;
    const me = await (
      await fetch(`${sb.url}/api/v1/users/me`, { headers: { Authorization: `Bearer ${token}` } })
    ).json();
    const channelId = me.videoChannels[0].id;
    const size = mib * MiB;
    const file = makeSparseFile(work, mib);
    const files = chunkFiles(work, size);
    const cases = {
      curlOne: async () => {
        const location = await startSession(sb.url, token, channelId, size);
        const range = `Content-Range: bytes 0-${size - 1}/${size}`;
        return measured(
          curl,
          [
            '-sS',
            '-f',
            '-o',
            '/dev/null',
            '-H',
            'Expect:',
            '-H',
            `Authorization: Bearer ${token}`,
            '-H',
            range,
            '-T',
            file,
            location,
          ],
          { dir: work },
        );
      },
      one: () =>
        measured(process.execPath, [bin, 'upload', file, '--provider', 'peertube', '--force', '--quiet'], {
          env,
          dir: work,
        }),
      curlChunks: async () => {
        const location = await startSession(sb.url, token, channelId, size);
        return measured(curl, ['--config', curlChunksConfig(work, files, location, token, size)], {
          dir: work,
        });
      },
      chunks: () =>
        measured(
          process.execPath,
          [bin, 'upload', file, '--provider', 'peertube', '--force', '--quiet', '--chunk-size', '8M'],
          { env, dir: work },
        ),
    };
    await cases.curlOne(); // warm-up
    const results = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
    for (let i = 0; i < runs; i++)
      for (const [kind, run] of Object.entries(cases)) {
        const sinkStart = process.cpuUsage();
        const m = await run();
        const spent = process.cpuUsage(sinkStart);
        results[kind].push({ ...m, server: (spent.user + spent.system) / 1e6 });
      }
    const pick = (kind, key) => median(results[kind].map((r) => r[key]));
    const gib = size / (1024 * MiB);
    const f = (n, d = 2) => n.toFixed(d).padStart(7);
    const row = (kind, name, base) =>
      `${name.padEnd(34)}${f(pick(kind, 'wall'))} s${f(pick(kind, 'cpu') / gib)} s${f(pick(kind, 'rss'), 1)} MiB  ×${(pick(kind, 'wall') / pick(base, 'wall')).toFixed(2)}${f(pick(kind, 'server') / gib)} s`;
    return {
      lines: [
        `${'case'.padEnd(34)}${'wall'.padStart(9)}${'CPU/GiB'.padStart(9)}${'peak RSS'.padStart(12)}  wall×  emulator CPU/GiB`,
        row('curlOne', 'curl, one PUT', 'curlOne'),
        row('one', 'vupload, one request', 'curlOne'),
        row('curlChunks', 'curl, 8 MiB PUTs (one connection)', 'curlChunks'),
        row('chunks', 'vupload, --chunk-size 8M', 'curlChunks'),
      ],
      summary: Object.fromEntries(
        Object.keys(cases).map((k) => [
          k,
          { wall: pick(k, 'wall'), cpuPerGiB: pick(k, 'cpu') / gib, rss: pick(k, 'rss') },
        ]),
      ),
    };
  } finally {
    await sb.close();
  }
}
