// This file tests how token endpoint failures become exit codes and messages, with no secret carried along.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isInvalidGrant, tokenEndpointError } from '../../../../src/providers/youtube/auth/token-errors.js';
import { assertSecretsHint } from '../../../auth/helpers.js';

const ctx = { phase: 'refresh' as const, profile: 'work', tokenUri: 'https://oauth2.googleapis.com/token' };
const httpError = (status: number, data: unknown) =>
  Object.assign(new Error('request failed'), {
    response: { status, data },
    config: { data: 'refresh_token=RT-SECRET&client_secret=CS-SECRET' },
  });

describe('tokenEndpointError', () => {
  test('invalid_grant on refresh: revoked or expired, the 7-day Testing limit, log in again, exit 3', () => {
    const e = tokenEndpointError(httpError(400, { error: 'invalid_grant', error_description: 'Bad' }), ctx);
    assert.equal(e.code, 'invalidGrant');
    assert.equal(e.exitCode, 3);
    assert.match(e.message, /revoked or has expired/);
    assert.match(e.message, /"Testing".*7 days/);
    assert.equal(e.hint, 'Run: vupload auth login --profile work');
    assert.equal(e.http?.reason, 'invalid_grant');
    assert.equal(e.cause, undefined, 'the gaxios error (with the request body) is not kept');
    assert.equal(isInvalidGrant(e), true);
  });

  test('invalid_client points at the client secrets; other 4xx are refusals; 5xx and no answer are network (exit 5)', () => {
    const client = tokenEndpointError(httpError(401, { error: 'invalid_client' }), ctx);
    assert.equal(client.code, 'invalidClient');
    assert.equal(client.exitCode, 3);
    assertSecretsHint(client.hint);
    const refused = tokenEndpointError(httpError(400, { error: 'invalid_request' }), {
      ...ctx,
      phase: 'exchange',
    });
    assert.equal(refused.code, 'tokenRefused');
    assert.match(refused.message, /exchanging the authorization code \(HTTP 400, invalid_request\)/);
    assert.equal(tokenEndpointError(httpError(503, ''), ctx).exitCode, 5);
    const down = tokenEndpointError(Object.assign(new Error('fetch failed'), { code: 'ECONNREFUSED' }), ctx);
    assert.equal(down.exitCode, 5);
    assert.match(down.message, /ECONNREFUSED/);
  });

  test('nothing from the request or an odd reason reaches the message', () => {
    const odd = tokenEndpointError(httpError(400, { error: '<b>RT-SECRET</b>' }), ctx);
    for (const e of [odd, tokenEndpointError(httpError(400, { error: 'invalid_grant' }), ctx)]) {
      assert.ok(!JSON.stringify({ m: e.message, h: e.hint, http: e.http }).includes('SECRET'));
    }
  });
});
