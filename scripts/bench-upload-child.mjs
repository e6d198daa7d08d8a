// This file is one measured upload for `npm run bench`, in a process of its own so that its RSS and CPU are its own.
// Usage: node bench-upload-child.mjs baseline|vupload FILE API_URL ACCESS_TOKEN [CHUNK_BYTES]
// Prints one JSON line: wall and CPU time, peak RSS, bytes put on the wire.
import { createReadStream, statSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';

const [mode, file, apiUrl, token, chunkArg] = process.argv.slice(2);
const size = statSync(file).size;
const initUrl = `${apiUrl}/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status`;
const metadata = { snippet: { title: 'bench', categoryId: '22' }, status: { privacyStatus: 'private' } };
const auth = { Authorization: `Bearer ${token}` };

function request(method, url, headers, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    if (body && typeof body.pipe === 'function') body.pipe(req);
    else req.end(body);
  });
}

/**
 * The baseline: what any client must do at least — create the session, then one plain PUT of the file, read in
 * 1 MiB pieces (Node's default of 64 KiB would make a weaker baseline).
 */
async function baseline() {
  const json = JSON.stringify(metadata);
  const init = await request(
    'POST',
    initUrl,
    {
      ...auth,
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(json),
      'X-Upload-Content-Length': size,
    },
    json,
  );
  const put = await request(
    'PUT',
    init.headers.location,
    { 'Content-Length': size },
    createReadStream(file, { highWaterMark: 1024 * 1024 }),
  );
  if (put.status !== 200 && put.status !== 201) throw new Error(`baseline PUT answered ${put.status}`);
  return size;
}

async function vupload() {
  const engine = await import(join(import.meta.dirname, '..', 'dist/src/upload/index.js'));
  const result = await engine.uploadResumable({
    file,
    initUrl,
    metadata,
    account: 'bench',
    auth: { headers: () => auth, refresh: async () => {} },
    chunkSize: chunkArg ? Number(chunkArg) : undefined,
    retries: 50,
    random: () => 0,
  });
  return result.bytesSent;
}

const start = process.hrtime.bigint();
const bytesSent = mode === 'baseline' ? await baseline() : await vupload();
const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
const usage = process.resourceUsage();
process.stdout.write(
  `${JSON.stringify({ wallMs, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, maxRssMiB: usage.maxRSS / 1024, bytesSent, size })}\n`,
);
