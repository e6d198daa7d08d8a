// This file checks that video ids starting with "-" (about one in 32) reach the commands instead of commander.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { CliContext } from '../../src/cli/context.js';
import { buildProgram } from '../../src/cli/program.js';
import { escapeVideoIds } from '../../src/cli/video-id.js';
import { fixture } from '../helpers/paths.js';
import { type CliEnv, cliEnv } from './env.js';

const program = () => buildProgram({} as CliContext);

test('escapeVideoIds rewrites a dash-led id only where a video id belongs', async () => {
  assert.deepEqual(await escapeVideoIds(['status', '-x5Vn3Qe8cY'], program), [
    'status',
    '--video-id=-x5Vn3Qe8cY',
  ]);
  assert.deepEqual(
    await escapeVideoIds(['--profile', 'work', 'update', '-x5Vn3Qe8cY', '--title', 'T'], program),
    ['--profile', 'work', 'update', '--video-id=-x5Vn3Qe8cY', '--title', 'T'],
  );
  assert.deepEqual(await escapeVideoIds(['playlist', 'add', '-x5Vn3Qe8cY', 'Talks'], program), [
    'playlist',
    'add',
    '--video-id=-x5Vn3Qe8cY',
    'Talks',
  ]);
  // Not an id position, not an id shape, or a real option: unchanged.
  for (const argv of [
    ['upload', '--title', '-x5Vn3Qe8cY'],
    ['status', 'x5Vn3Qe8cYz'],
    ['status', '-x5Vn3Qe8c'],
    ['update', '--thumbnail'],
  ]) {
    assert.deepEqual(await escapeVideoIds(argv, program), argv);
  }
});

describe('dash-led ids through the CLI', () => {
  let t: CliEnv;
  before(async () => {
    t = await cliEnv();
    await t.login();
  });
  after(() => t.close());

  for (const argv of [
    ['status', '-x5Vn3Qe8cY'],
    ['update', '-x5Vn3Qe8cY', '--title', 'New'],
    ['thumbnail', '-x5Vn3Qe8cY', fixture('thumbnail.jpg')],
  ]) {
    test(`vupload ${argv.join(' ')} asks the API (videoNotFound, exit 1), not commander (exit 2)`, async () => {
      const result = await t.run(argv);
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, /videoNotFound|not found/i);
    });
  }
});
