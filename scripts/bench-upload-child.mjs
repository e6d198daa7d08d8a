// This file is the plain node:http client of `npm run bench`: the baseline where curl is missing, and with
// BENCH_FLOOR=1 the least any Node client does to send the file in 8 MiB chunks (a request and a 308 per chunk, the
// file read as vupload reads it: 256 KiB synchronous reads into two buffers, each written once the last was taken).
// Usage: node bench-upload-child.mjs FILE SESSION_URL [CHUNK_BYTES]
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import http from 'node:http';

const [file, sessionUrl, chunkArg] = process.argv.slice(2);
const size = statSync(file).size;
const chunk = chunkArg ? Number(chunkArg) : size;
const agent = new http.Agent({ keepAlive: true });
const fd = openSync(file, 'r');
const buffers = [Buffer.allocUnsafeSlow(256 * 1024), Buffer.allocUnsafeSlow(256 * 1024)];
let reads = 0;

/** PUT bytes [start, end) of the file; resolves with the answer's status. */
function put(start, end) {
  const headers = { 'Content-Length': end - start };
  if (chunkArg) headers['Content-Range'] = `bytes ${start}-${end - 1}/${size}`;
  return new Promise((resolve, reject) => {
    const req = http.request(sessionUrl, { method: 'PUT', headers, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    let at = start;
    const next = (error) => {
      if (error) return; // the request failed: 'error' rejects
      if (at === end) return req.end();
      const buffer = buffers[reads++ % 2];
      const n = readSync(fd, buffer, 0, Math.min(buffer.length, end - at), at);
      at += n;
      req.write(buffer.subarray(0, n), next);
    };
    next();
  });
}

for (let start = 0; start < size; start += chunk) {
  const end = Math.min(size, start + chunk);
  const status = await put(start, end);
  const expected = end === size ? [200, 201] : [308];
  if (!expected.includes(status)) throw new Error(`PUT of bytes ${start}-${end - 1} answered ${status}`);
}
closeSync(fd);
agent.destroy();
