// This file tests mapping YouTube failures to messages and exit codes, and the quota reset time across DST.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ExitCode, VuploadError } from '../../../src/errors.js';
import {
  httpFailure,
  mapApiError,
  nextQuotaReset,
  redactSecrets,
} from '../../../src/providers/youtube/errors.js';
import { REASONS } from '../../../src/providers/youtube/reasons.js';

/** A gaxios-like error as googleapis throws it for an API error answer. */
function gaxiosError(status: number, reason: string, extra: { headers?: Headers; message?: string } = {}) {
  const error = new Error(extra.message ?? `API said ${reason}`) as Error & Record<string, unknown>;
  error.status = status;
  error.config = {
    method: 'PUT',
    url: 'http://127.0.0.1:1/youtube/v3/videos?part=snippet&access_token=ya29.SECRET',
  };
  error.response = {
    status,
    headers: extra.headers ?? new Headers(),
    data: {
      error: {
        code: status,
        message: extra.message ?? 'The request metadata specifies an invalid video title.',
        errors: [{ domain: 'youtube.video', reason, message: extra.message ?? 'msg' }],
      },
    },
  };
  return error;
}

/** Every documented reason with its HTTP status and expected exit code (seed tables, API-NOTES §2, §4, §6, §7). */
const TABLE: Array<[string, number, number]> = [
  ['defaultLanguageNotSet', 400, ExitCode.api],
  ['invalidCategoryId', 400, ExitCode.api],
  ['invalidDefaultBroadcastPrivacySetting', 400, ExitCode.api],
  ['invalidDescription', 400, ExitCode.api],
  ['invalidFilename', 400, ExitCode.api],
  ['invalidPublishAt', 400, ExitCode.api],
  ['invalidRecordingDetails', 400, ExitCode.api],
  ['invalidTags', 400, ExitCode.api],
  ['invalidTitle', 400, ExitCode.api],
  ['invalidVideoGameRating', 400, ExitCode.api],
  ['invalidVideoMetadata', 400, ExitCode.api],
  ['mediaBodyRequired', 400, ExitCode.api],
  ['uploadLimitExceeded', 400, ExitCode.quota],
  ['forbidden', 403, ExitCode.api],
  ['forbiddenEmbedSetting', 403, ExitCode.api],
  ['forbiddenLicenseSetting', 403, ExitCode.api],
  ['forbiddenPrivacySetting', 403, ExitCode.api],
  ['videoNotFound', 404, ExitCode.api],
  ['invalidImage', 400, ExitCode.api],
  ['uploadRateLimitExceeded', 429, ExitCode.quota],
  ['playlistNotFound', 404, ExitCode.api],
  ['playlistContainsMaximumNumberOfVideos', 403, ExitCode.api],
  ['manualSortRequired', 400, ExitCode.api],
  ['playlistOperationUnsupported', 400, ExitCode.api],
  ['captionExists', 409, ExitCode.api],
  ['nameTooLong', 400, ExitCode.api],
  ['contentRequired', 400, ExitCode.api],
  ['quotaExceeded', 403, ExitCode.quota],
  ['dailyLimitExceeded', 403, ExitCode.quota],
  ['rateLimitExceeded', 403, ExitCode.network],
  ['rateLimitExceeded', 429, ExitCode.network],
  ['userRateLimitExceeded', 403, ExitCode.network],
  ['insufficientPermissions', 403, ExitCode.auth],
  ['authError', 401, ExitCode.auth],
  ['expired', 401, ExitCode.auth],
  ['internalError', 500, ExitCode.network],
  ['backendError', 503, ExitCode.network],
  ['uploadTooLarge', 413, ExitCode.api],
  ['requestedRangeNotSatisfiable', 416, ExitCode.api],
  ['youtubeSignupRequired', 401, ExitCode.auth],
  ['accessNotConfigured', 403, ExitCode.api],
];

describe('mapApiError', () => {
  test('the table covers every reason vupload knows', () => {
    const tested = new Set(TABLE.map(([reason]) => reason));
    const generic = [
      'badRequest',
      'required',
      'invalidValue',
      'unknownPart',
      'notFound',
      'conflict',
      'requestTimeout',
    ];
    const untested = Object.keys(REASONS).filter(
      (r) =>
        !tested.has(r) &&
        !generic.includes(r) &&
        !['badGateway', 'gatewayTimeout', 'unauthorized'].includes(r),
    );
    // Reasons outside the table above are checked by their own tests below.
    assert.deepEqual(untested.sort(), [
      'deleted_client',
      'invalidMetadata',
      'invalidPlaylistSnippet',
      'invalid_client',
      'invalid_grant',
      'maxPlaylistExceeded',
      'playlistForbidden',
      'unauthorized_client',
    ]);
  });

  for (const [reason, status, exit] of TABLE) {
    test(`${reason} (HTTP ${status}) exits ${exit} with its own message`, () => {
      const error = mapApiError(gaxiosError(status, reason), {
        operation: 'videos.update',
        action: 'update video abc',
      });
      assert.ok(error instanceof VuploadError);
      assert.equal(error.exitCode, exit);
      assert.equal(error.code, reason);
      assert.equal(error.http?.status, status);
      assert.equal(error.http?.reason, reason);
      assert.match(error.message, new RegExp(`^Could not update video abc: .+ \\(${reason}\\)\\.`));
      assert.ok(error.message.startsWith(`Could not update video abc: ${REASONS[reason]?.text}`));
      assert.doesNotMatch(`${error.message} ${error.hint} ${error.http?.url}`, /ya29\.SECRET/);
    });
  }

  test('a 401 required (Google\'s "Login Required", no credentials sent) is a login problem, exit 3', () => {
    const error = mapApiError(gaxiosError(401, 'required'), {
      operation: 'videos.list',
      action: 'list videos',
    });
    assert.equal(error.exitCode, ExitCode.auth);
    assert.equal(error.code, 'required');
    assert.match(error.message, /without a login \(Login Required\)/);
    assert.match(error.hint ?? '', /vupload auth login/);
    const missing = mapApiError(gaxiosError(400, 'required'), {
      operation: 'videos.list',
      action: 'list videos',
    });
    assert.equal(missing.exitCode, ExitCode.api, 'a 400 required is still a missing value');
  });

  test('each documented reason has a distinct message', () => {
    const texts = TABLE.map(([reason]) => REASONS[reason]?.text);
    assert.equal(new Set(texts).size, new Set(TABLE.map(([r]) => r)).size);
  });

  test('a thumbnail forbidden says the channel must be verified for custom thumbnails', () => {
    const error = mapApiError(gaxiosError(403, 'forbidden'), {
      operation: 'thumbnails.set',
      action: 'set the thumbnail',
    });
    assert.equal(error.exitCode, ExitCode.api);
    assert.match(error.message, /custom thumbnails/);
    assert.match(error.hint ?? '', /youtube\.com\/verify/);
  });

  test('insufficientPermissions names the scope the call needs and says to log in again', () => {
    const error = mapApiError(gaxiosError(403, 'insufficientPermissions'), { operation: 'captions.insert' });
    assert.equal(error.exitCode, ExitCode.auth);
    assert.match(error.hint ?? '', /youtube\.force-ssl.*vupload auth login/);
  });

  test('quotaExceeded says when the quota resets, in local time and as a countdown', () => {
    const error = mapApiError(gaxiosError(403, 'quotaExceeded'), {
      now: new Date('2030-01-15T20:30:00Z'),
      timeZone: 'Europe/Berlin',
    });
    assert.equal(error.exitCode, ExitCode.quota);
    // Midnight PST = 08:00Z = 09:00 in Berlin; 11 h 30 min away.
    assert.match(error.hint ?? '', /midnight Pacific time \(09:00 your local time, in 11 h 30 min\)/);
  });

  test("the upload engine's HttpError shape (text body, reason field) is understood", () => {
    const httpError = {
      status: 400,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ error: { code: 400, errors: [{ reason: 'invalidTags' }] } }),
      reason: 'invalidTags',
      method: 'POST',
      url: 'http://127.0.0.1:9/upload/youtube/v3/videos?uploadType=resumable&upload_id=XYZ',
    };
    const error = mapApiError(httpError, { operation: 'videos.insert', action: 'upload clip.mp4' });
    assert.equal(error.code, 'invalidTags');
    assert.equal(error.exitCode, ExitCode.api);
    assert.equal(error.http?.method, 'POST');
    assert.doesNotMatch(error.http?.url ?? '', /XYZ/);
  });

  test('a plain {status, body} without a known reason falls back on the status, with the API message', () => {
    const error = mapApiError({
      status: 400,
      body: '{"error":{"message":"Bad thing","errors":[{"reason":"oddReason"}]}}',
    });
    assert.equal(error.exitCode, ExitCode.api);
    assert.match(error.message, /HTTP 400\): Bad thing \(oddReason\)\./);
    assert.equal(mapApiError({ status: 502, body: 'Bad gateway' }).exitCode, ExitCode.network);
    assert.equal(mapApiError({ status: 401, body: '' }).exitCode, ExitCode.auth);
  });

  test('network errors exit 5 and say re-running is safe', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    const error = mapApiError(new TypeError('fetch failed', { cause }), {
      action: 'list your playlists',
      attempts: 4,
    });
    assert.equal(error.exitCode, ExitCode.network);
    assert.equal(error.code, 'network');
    assert.match(
      error.message,
      /^Could not reach the YouTube API to list your playlists \(ECONNREFUSED\)\. Gave up after 4/,
    );
  });

  test('every network errno exits 5, a gaxios error wrapping one too', () => {
    for (const code of [
      'ECONNRESET',
      'ECONNREFUSED',
      'ETIMEDOUT',
      'ENOTFOUND',
      'EAI_AGAIN',
      'EHOSTUNREACH',
    ]) {
      const error = mapApiError(
        Object.assign(new Error(`getaddrinfo ${code} x`), { code, syscall: 'connect' }),
      );
      assert.equal(error.exitCode, ExitCode.network, code);
    }
    const pipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE', syscall: 'write' });
    assert.equal(mapApiError(new Error('request failed', { cause: pipe })).exitCode, ExitCode.network);
  });

  test('a failed file-system call is local: exit 1, the operation and the path, no word of the network', async () => {
    const { link, mkdtemp, rm, writeFile, mkdir } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'vupload-fserr-'));
    try {
      const talk = join(dir, 'talk.mp4');
      const target = join(dir, 'done', 'talk.mp4');
      await writeFile(talk, 'x');
      await mkdir(join(dir, 'done'));
      await writeFile(target, 'someone else');
      const exists = await link(talk, target).catch((e: unknown) => e);
      const error = mapApiError(exists, { action: 'move the file' });
      assert.equal(error.exitCode, ExitCode.api);
      assert.equal(error.code, 'fileSystem');
      assert.equal(error.message, `Could not link ${talk} to ${target}: file exists (EEXIST, link).`);
      assert.doesNotMatch(`${error.message} ${error.hint ?? ''}`, /network|reach|connection|safe/i);

      const missing = await mkdir(join(dir, 'talk.mp4', 'sub')).catch((e: unknown) => e);
      assert.match(
        mapApiError(missing).message,
        /^Could not create the folder .*talk\.mp4.sub: not a directory \(ENOTDIR, mkdir\)/,
      );
      const full = Object.assign(new Error('ENOSPC: no space left on device'), {
        code: 'ENOSPC',
        syscall: 'write',
        path: join(dir, 'state', 'history.jsonl'),
      });
      const noSpace = mapApiError(full);
      assert.equal(noSpace.exitCode, ExitCode.api);
      assert.match(noSpace.message, /history\.jsonl: no space left on the device \(ENOSPC, write\)/);
      assert.match(noSpace.hint ?? '', /Free some space/);
      // Without a path, a file-system code alone is enough to tell.
      assert.equal(mapApiError(Object.assign(new Error('x'), { code: 'EROFS' })).exitCode, ExitCode.api);
      // A wrapper that copied the code but not the path: the cause names the path.
      const wrapped = Object.assign(new Error('request failed', { cause: exists }), { code: 'EEXIST' });
      assert.match(
        mapApiError(wrapped).message,
        /^Could not link .*talk\.mp4 to .*done.talk\.mp4: file exists/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('OAuth refresh failures (invalid_grant) ask for a new login', () => {
    const error = mapApiError({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' },
    });
    assert.equal(error.exitCode, ExitCode.auth);
    assert.match(error.hint ?? '', /vupload auth login/);
  });

  test('playlist and caption reasons outside the main table have their own messages', () => {
    for (const reason of [
      'maxPlaylistExceeded',
      'invalidPlaylistSnippet',
      'playlistForbidden',
      'invalidMetadata',
    ]) {
      const error = mapApiError(gaxiosError(400, reason));
      assert.equal(error.exitCode, ExitCode.api);
      assert.match(error.message, new RegExp(`${REASONS[reason]?.text}.*\\(${reason}\\)`));
    }
    for (const reason of ['invalid_client', 'unauthorized_client', 'deleted_client']) {
      assert.equal(mapApiError({ status: 401, body: { error: reason } }).exitCode, ExitCode.auth);
    }
  });

  test('tokens never reach the message, the hint, the URL or the kept cause', () => {
    const error = mapApiError(
      gaxiosError(400, 'weird', {
        message: 'token ya29.a0AfB_secret and Bearer abc.def refresh 1//0gLONGREFRESHTOKENxxxxxxxx',
      }),
    );
    const text = [
      error.message,
      error.hint,
      error.http?.url,
      (error.cause as Error).message,
      (error.cause as Error).stack,
    ].join(' ');
    assert.doesNotMatch(text, /a0AfB_secret|abc\.def|LONGREFRESH|ya29\.SECRET/);
    assert.equal(Object.hasOwn(error.cause as object, 'config'), false);
  });

  test('an existing VuploadError passes through unchanged', () => {
    const original = new VuploadError('usage', ExitCode.usage, 'x');
    assert.equal(mapApiError(original), original);
  });
});

describe('httpFailure', () => {
  test('reads Retry-After in seconds or as a date, from Headers or a plain object', () => {
    const headers = new Headers({ 'retry-after': '7' });
    assert.equal(httpFailure(gaxiosError(429, 'rateLimitExceeded', { headers })).retryAfterMs, 7000);
    const at = Date.UTC(2030, 0, 1, 0, 0, 30);
    const failure = httpFailure(
      { status: 503, headers: { 'Retry-After': new Date(at).toUTCString() } },
      at - 30_000,
    );
    assert.equal(failure.retryAfterMs, 30_000);
  });
});

describe('redactSecrets', () => {
  test('removes tokens and secret query parameters', () => {
    assert.equal(
      redactSecrets('https://x/?code=4/abc&state=s&client_secret=shh&upload_id=U1'),
      'https://x/?code=[redacted]&state=s&client_secret=[redacted]&upload_id=[redacted]',
    );
  });
});

describe('nextQuotaReset', () => {
  const cases: Array<[string, string, string]> = [
    ['winter (PST, UTC−8)', '2030-01-15T20:30:00Z', '2030-01-16T08:00:00.000Z'],
    ['summer (PDT, UTC−7)', '2030-07-15T20:30:00Z', '2030-07-16T07:00:00.000Z'],
    ['just after Pacific midnight', '2030-07-16T07:00:01Z', '2030-07-17T07:00:00.000Z'],
    ['exactly at Pacific midnight: the next one', '2030-01-16T08:00:00Z', '2030-01-17T08:00:00.000Z'],
    ['the evening before DST starts (still PST)', '2030-03-10T07:30:00Z', '2030-03-10T08:00:00.000Z'],
    [
      'the day DST starts (a 23 h day, next midnight PDT)',
      '2030-03-10T12:00:00Z',
      '2030-03-11T07:00:00.000Z',
    ],
    ['the evening before DST ends (still PDT)', '2030-11-03T06:30:00Z', '2030-11-03T07:00:00.000Z'],
    ['the day DST ends (a 25 h day, next midnight PST)', '2030-11-03T12:00:00Z', '2030-11-04T08:00:00.000Z'],
    ['UTC already on the next day, Pacific still today', '2030-07-16T03:00:00Z', '2030-07-16T07:00:00.000Z'],
  ];
  for (const [name, now, expected] of cases) {
    test(`resets at the next Pacific midnight: ${name}`, () => {
      assert.equal(nextQuotaReset(new Date(now)).toISOString(), expected);
    });
  }
});
