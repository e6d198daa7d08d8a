// This file tests the PeerTube provider's pure parts: uploadx's Range, the instance address rule, PeerTube's error
// answers and their exit codes, the quota rule, the password file's mode, and the field checks.
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ExitCode, type VuploadError } from '../../../src/errors.js';
import { mapPeerTubeError } from '../../../src/providers/peertube/errors.js';
import { PeerTubeApiError, parseProblem } from '../../../src/providers/peertube/http.js';
import { checkInstanceUrl } from '../../../src/providers/peertube/instance.js';
import { readPasswordFile } from '../../../src/providers/peertube/login.js';
import { validateFields } from '../../../src/providers/peertube/prepare.js';
import { uploadxOffset } from '../../../src/providers/peertube/protocol.js';
import { quotaProblem } from '../../../src/providers/peertube/quota.js';
import { HttpError } from '../../../src/upload/errors.js';

const answer = (range?: string) => ({
  status: 308,
  headers: range === undefined ? {} : { range },
  body: Buffer.alloc(0),
});

describe('PeerTube provider units', () => {
  test("uploadx's Range: bytes=0--1 holds nothing, bytes=0-N holds N+1, anything else is refused", () => {
    assert.equal(uploadxOffset(answer('bytes=0--1')), 0);
    assert.equal(uploadxOffset(answer('bytes=0-999')), 1000);
    assert.equal(uploadxOffset(answer()), 0);
    assert.throws(() => uploadxOffset(answer('bytes=5-9')), /Range/);
  });

  test('an instance address: https anywhere, http only to this machine, no credentials, no other scheme', () => {
    assert.equal(checkInstanceUrl('https://video.example.org/', '--instance'), 'https://video.example.org');
    assert.equal(checkInstanceUrl('http://127.0.0.1:9000', '--instance'), 'http://127.0.0.1:9000');
    const refused = (url: string, what: RegExp) =>
      assert.throws(
        () => checkInstanceUrl(url, '--instance'),
        (e: VuploadError) =>
          e.exitCode === ExitCode.usage && what.test(e.message) && /--instance/.test(e.message),
      );
    refused('http://video.example.org', /plain HTTP/);
    refused('ftp://video.example.org', /uses ftp/);
    refused('file:///etc/passwd', /uses file/);
    refused('video.example.org', /not a URL/);
    refused('https://alice:hunter2@video.example.org', /user name or password/);
    refused('https://video.example.org/?x=1', /query/);
    // The password in an address is never repeated in the refusal.
    assert.throws(
      () => checkInstanceUrl('https://alice:hunter2@video.example.org', '--instance'),
      (e: VuploadError) => !e.message.includes('hunter2') && !(e.hint ?? '').includes('hunter2'),
    );
  });

  test("PeerTube's problem+json and uploadx's own errors are read; messages quote detail, and exit codes follow", () => {
    const problem = JSON.stringify({
      type: 'https://docs.joinpeertube.org/api-rest-reference.html#section/Errors/quota_reached',
      detail: 'The user video quota is exceeded with this video',
      status: 413,
      code: 'quota_reached',
    });
    assert.deepEqual(parseProblem(problem).code, 'quota_reached');
    assert.deepEqual(parseProblem('{"error":{"code":"FileNotFound","message":"Not found"}}'), {
      code: 'FileNotFound',
      detail: 'Not found',
    });
    const err = (status: number, p: object) =>
      new PeerTubeApiError('POST', 'http://127.0.0.1/api/v1/x', status, p);
    const exit = (e: unknown) => mapPeerTubeError(e, { action: 'upload a.mp4', profile: 'work' });
    const quota = exit(
      new HttpError('POST', 'http://127.0.0.1/api/v1/videos/upload-resumable', 413, {}, problem),
    );
    assert.equal(quota.exitCode, ExitCode.quota);
    assert.match(quota.message, /"The user video quota is exceeded with this video" \(quota_reached\)/);
    assert.equal(exit(err(403, { code: 'quota_reached' })).exitCode, ExitCode.quota);
    const wrong = exit(
      err(400, { code: 'invalid_grant', detail: 'Invalid grant: user credentials are invalid' }),
    );
    assert.equal(wrong.exitCode, ExitCode.auth);
    const unauthorized = exit(err(401, { detail: 'Token is invalid', code: 'invalid_token' }));
    assert.equal(unauthorized.exitCode, ExitCode.auth);
    assert.match(unauthorized.hint ?? '', /vupload auth login --provider peertube .*--profile work/);
    const invalid = exit(
      err(400, {
        detail: 'Incorrect request parameters: name',
        invalidParams: { name: 'Should have a video name' },
      }),
    );
    assert.equal(invalid.exitCode, ExitCode.usage);
    assert.match(invalid.message, /"Incorrect request parameters: name"; name: Should have a video name/);
    assert.equal(exit(err(503, {})).exitCode, ExitCode.network);
    assert.equal(exit(err(404, { detail: 'Video not found' })).exitCode, ExitCode.api);
    assert.equal(
      exit(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' })).exitCode,
      ExitCode.network,
    );
  });

  test("the quota rule is PeerTube's isUserQuotaValid: reaching a limit is refused, −1 is none", () => {
    const q = { videoQuota: 1000, videoQuotaDaily: -1, videoQuotaUsed: 400, videoQuotaUsedDaily: 400 };
    assert.equal(quotaProblem(q, 599), undefined);
    assert.equal(quotaProblem(q, 600), 'total');
    assert.equal(quotaProblem({ ...q, videoQuota: -1, videoQuotaDaily: 500 }, 100), 'daily');
    assert.equal(quotaProblem({ ...q, videoQuota: -1 }, 10 ** 12), undefined);
  });

  test('a password file others can read is refused as ssh refuses a key; a private one is read', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vupload-pt-unit-'));
    try {
      const file = join(dir, 'pw');
      await writeFile(file, 'secret-pw\n', { mode: 0o644 });
      await chmod(file, 0o644);
      await assert.rejects(readPasswordFile(file), (e: VuploadError) => {
        assert.equal(e.exitCode, ExitCode.usage);
        assert.match(e.message, /mode 0644/);
        assert.match(e.hint ?? '', /chmod 600/);
        assert.ok(!e.message.includes('secret-pw'));
        return true;
      });
      await chmod(file, 0o600);
      assert.equal(await readPasswordFile(file), 'secret-pw');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("PeerTube's field limits are checked before anything is sent, naming the flag", () => {
    const bad = (f: Parameters<typeof validateFields>[0], flag: RegExp) =>
      assert.throws(
        () => validateFields(f),
        (e: VuploadError) => e.exitCode === ExitCode.usage && flag.test(e.message),
      );
    bad({ name: 'ab' }, /--title/);
    bad({ name: 'x'.repeat(121) }, /--title/);
    bad({ description: 'ab' }, /--description/);
    bad({ tags: ['a1', 'b2', 'c3', 'd4', 'e5', 'f6'] }, /--tags.*at most 5/);
    bad({ tags: ['x'] }, /--tags/);
    bad({ language: 'x'.repeat(11) }, /--language/);
    validateFields({ name: 'abc', tags: ['ab'], description: 'abc' });
  });
});
