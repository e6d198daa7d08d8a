// This file is the sink of `npm run bench`: the least of Google's resumable protocol that a single PUT, vupload's one
// request and its chunks need, hashing what arrives (sha256) and keeping nothing else: ~1.8 CPU s per GiB here, most of
// it the hash and node:http. It is not the sandbox, whose generality (request log, faults, an async iteration per
// piece) costs ~2.5; on two cores every CPU second of the sink is taken from the client it measures.
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

/** Starts the sink on 127.0.0.1; `url` is its API root. Any bearer token is accepted. */
export async function startSink() {
  const sessions = new Map();
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://sink');
    if (req.method === 'POST' && url.pathname === '/upload/youtube/v3/videos') {
      if (!req.headers.authorization) return answer(res, 401, {}, { error: { code: 401 } });
      const id = randomBytes(8).toString('base64url').slice(0, 11);
      const total = Number(req.headers['x-upload-content-length']);
      sessions.set(id, { id, total, stored: 0, hash: createHash('sha256') });
      req.resume();
      return req.on('end', () => answer(res, 200, { location: `/upload/session/${id}` }, ''));
    }
    const session = req.method === 'PUT' && sessions.get(url.pathname.replace('/upload/session/', ''));
    if (!session) return answer(res, 404, {}, { error: { code: 404 } });
    // `bytes A-B/T`, `bytes */T` (a status query) or none (a single PUT of everything).
    const range = /^bytes (\d+)-\d+\/\d+$/.exec(req.headers['content-range'] ?? '');
    let at = range ? Number(range[1]) : 0;
    if (at > session.stored) return answer(res, 503, {}, 'gap');
    req.on('data', (chunk) => {
      const skip = session.stored - at;
      if (skip < chunk.length) {
        session.hash.update(skip > 0 ? chunk.subarray(skip) : chunk);
        session.stored += chunk.length - Math.max(skip, 0);
      }
      at += chunk.length;
    });
    req.on('end', () => {
      if (session.stored < session.total) {
        const headers = session.stored > 0 ? { range: `bytes=0-${session.stored - 1}` } : {};
        return answer(res, 308, headers, '');
      }
      const video = { kind: 'youtube#video', id: session.id, snippet: { title: 'bench' }, status: {} };
      answer(res, 200, {}, { ...video, sha256: session.hash.digest('hex') });
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

function answer(res, status, headers, body) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}
