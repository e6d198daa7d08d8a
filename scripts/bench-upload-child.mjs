// This file is the node:http baseline of `npm run bench` where curl is missing: one plain PUT of the file to a session.
// Usage: node bench-upload-child.mjs FILE SESSION_URL
import { createReadStream, statSync } from 'node:fs';
import http from 'node:http';

const [file, sessionUrl] = process.argv.slice(2);
const size = statSync(file).size;
const req = http.request(sessionUrl, { method: 'PUT', headers: { 'Content-Length': size } }, (res) => {
  res.resume();
  res.on('end', () => {
    if (res.statusCode !== 200 && res.statusCode !== 201) throw new Error(`PUT answered ${res.statusCode}`);
  });
});
// 1 MiB reads: Node's default of 64 KiB would make a weaker baseline.
createReadStream(file, { highWaterMark: 1024 * 1024 }).pipe(req);
