// This file is a tiny uploader process for the kill -9 test: it runs the engine with a session store on disk.
// Env: VUPLOAD_TEST_API (sandbox root URL), VUPLOAD_TEST_TOKEN, VUPLOAD_STATE_DIR, optional VUPLOAD_TEST_LIMIT_RATE
// (bytes/s); argv[2]: the video file.
// Prints the result as JSON on success; exits with the error's exit code otherwise.
import { stateDir } from '../../src/paths.js';
import { createFileSessionStore, sessionsDir, uploadResumable } from '../../src/upload/index.js';

const file = process.argv[2]!;
const api = process.env.VUPLOAD_TEST_API!;
const token = process.env.VUPLOAD_TEST_TOKEN!;
const limitRate = Number(process.env.VUPLOAD_TEST_LIMIT_RATE ?? 0) || undefined;

try {
  const result = await uploadResumable({
    file,
    initUrl: `${api}/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status`,
    metadata: {
      snippet: { title: 'Killed and resumed', categoryId: '22' },
      status: { privacyStatus: 'private' },
    },
    account: 'sandbox-user',
    contentType: 'video/mp4',
    auth: { headers: () => ({ Authorization: `Bearer ${token}` }), refresh: async () => {} },
    limitRate,
    store: createFileSessionStore(sessionsDir(stateDir(process.env))),
  });
  process.stdout.write(`${JSON.stringify(result)}\n`);
} catch (error) {
  process.stderr.write(`${String(error)}\n`);
  process.exit((error as { exitCode?: number }).exitCode ?? 1);
}
