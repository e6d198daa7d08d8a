// This file is a tiny Youku uploader process for the kill -9 test: uploadToYouku with its state on disk.
// Env: VUPLOAD_TEST_API (emulator url), VUPLOAD_TEST_TOKEN, VUPLOAD_STATE_DIR, optional VUPLOAD_TEST_LIMIT_RATE;
// argv[2]: the video. Prints the result as JSON on success; exits with the error's exit code otherwise.
import { stateDir } from '../../../src/paths.js';
import { uploadToYouku } from '../../../src/providers/youku/index.js';

const token = process.env.VUPLOAD_TEST_TOKEN!;
try {
  const result = await uploadToYouku({
    file: process.argv[2]!,
    title: 'Killed and resumed',
    tags: ['kill'],
    apiUrl: process.env.VUPLOAD_TEST_API!,
    clientId: 'youku-sandbox-client',
    auth: { accessToken: async () => token, refresh: async () => {} },
    stateDir: stateDir(process.env),
    account: 'default',
    limitRate: Number(process.env.VUPLOAD_TEST_LIMIT_RATE ?? 0) || undefined,
  });
  process.stdout.write(`${JSON.stringify(result)}\n`);
} catch (error) {
  process.stderr.write(`${String(error)}\n`);
  process.exit((error as { exitCode?: number }).exitCode ?? 1);
}
