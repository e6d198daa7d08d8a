// This file tests that mistakes on the command line follow the one error contract, commander's own included (issue 27).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { jsonLines } from '../helpers/cli.js';
import { type CliEnv, cliEnv } from './env.js';

interface ErrorLine {
  error?: { code: string; message: string; exitCode: number; hint?: string };
}

describe('usage errors', () => {
  let t: CliEnv;
  before(async () => {
    t = await cliEnv();
  });
  after(() => t.close());

  /** Runs a mistake; it must exit 2, send nothing and end stdout with the usage error object when --json. */
  async function mistake(argv: string[]) {
    const mark = t.sb.requests.length;
    const result = await t.run(argv);
    assert.equal(result.code, 2, `${argv.join(' ')}: ${result.stderr}`);
    assert.equal(t.since(mark).length, 0, 'nothing was sent');
    return result;
  }

  test('with --json, an unknown option, a missing argument or command ends stdout with {"error": {"code": "usage"}}', async () => {
    const cases: [string[], RegExp, RegExp][] = [
      [['--json', 'upload', 'talk.mp4', '--titel', 'x'], /unknown option '--titel'/, /--title/],
      [['--json', 'thumbnail'], /missing required argument 'video-id'/, /vupload thumbnail .*<video-id>/],
      [['--json', 'auth', 'logn'], /unknown command 'auth logn'.*'auth login'/, /vupload auth --help/],
      [['--json', 'status', 'a', 'b'], /too many arguments/, /vupload status/],
      [['--json', 'upload', 'talk.mp4', '--retries'], /'--retries <n>' argument missing/, /vupload upload/],
      [['--json', 'auth'], /auth needs a command: login, status/, /vupload auth login/],
      [['--json'], /no command or file given/, /vupload help/],
    ];
    for (const [argv, message, hint] of cases) {
      const result = await mistake(argv);
      const lines = jsonLines<ErrorLine>(result.stdout);
      assert.equal(lines.length, 1, `${argv.join(' ')}: ${result.stdout}`);
      const error = lines[0]!.error;
      assert.equal(error?.code, 'usage');
      assert.equal(error?.exitCode, 2);
      assert.match(error?.message ?? '', message);
      assert.match(error?.hint ?? '', hint);
    }
  });

  test("commander's errors are said as every other error: `vupload:` and a hint, nothing on stdout without --json", async () => {
    for (const argv of [['upload', 'talk.mp4', '--titel', 'x'], ['auth', 'logn'], ['thumbnail']]) {
      const result = await mistake(argv);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /^vupload: /);
      assert.doesNotMatch(result.stderr, /^error:/m);
      assert.doesNotMatch(result.stderr, /\(run with --help for usage\)/);
    }
  });

  test('`vupload help nosuch` says the command is unknown and suggests one, as `vupload nosuch` does', async () => {
    const typo = await mistake(['help', 'uplod']);
    assert.match(typo.stderr, /^vupload: unknown command 'uplod' [—-] did you mean 'upload'\?/);
    assert.doesNotMatch(typo.stderr, /Usage:/, 'not the whole help');
    const far = await mistake(['--json', 'help', 'frobnicate']);
    assert.match(far.stderr, /unknown command 'frobnicate'/);
    assert.equal(jsonLines<ErrorLine>(far.stdout)[0]?.error?.code, 'usage');
    const sub = await mistake(['auth', 'help', 'logn']);
    assert.match(sub.stderr, /unknown command 'auth logn' [—-] did you mean 'auth login'\?/);
    // Known names still print their help (exit 0).
    for (const argv of [
      ['help', 'upload'],
      ['auth', 'help', 'login'],
    ]) {
      const help = await t.run(argv);
      assert.equal(help.code, 0, help.stderr);
      assert.match(help.stdout, /^Usage: vupload /);
    }
  });
});
