// This file holds every command's --json output to the table of docs/output.md "JSON output": JSON Lines, the documented fields
// and no others, and one error shape for every command that fails.
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { spawnCli } from '../helpers/cli.js';
import { fixture, repoRoot } from '../helpers/paths.js';
import { waitFor } from '../helpers/wait.js';
import { type CliEnv, cliEnv, playBrowser, type YoukuCliEnv, youkuCliEnv } from './env.js';
import { makeVideo } from './video-file.js';

interface Shape {
  required: Set<string>;
  optional: Set<string>;
}

/** The table under "JSON output" in docs/output.md: command label → its fields (`name?` = optional). */
async function documentedShapes(): Promise<Map<string, Shape>> {
  const page = await readFile(join(repoRoot, 'docs', 'output.md'), 'utf8');
  const section = page.slice(page.indexOf('## JSON output'));
  const shapes = new Map<string, Shape>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 5 || !cells[3]?.startsWith('`') || cells[1] === 'command') continue;
    const fields = cells[3]
      .replace(/ \(.*\)$/, '')
      .replaceAll('`', '')
      .split(',')
      .map((f) => f.trim());
    shapes.set(cells[1]!, {
      required: new Set(fields.filter((f) => !f.endsWith('?'))),
      optional: new Set(fields.filter((f) => f.endsWith('?')).map((f) => f.slice(0, -1))),
    });
    if (line.includes('any command that fails')) break;
  }
  return shapes;
}

describe('--json output follows the table in docs/output.md', () => {
  let t: CliEnv;
  let youku: YoukuCliEnv;
  let shapes: Map<string, Shape>;
  const seen = new Set<string>();

  /** Every line of `stdout` is one object of the labelled shape, or the error object (only as the last line). */
  function holds(label: string, stdout: string, options: { lines?: number; fails?: boolean } = {}) {
    const shape = shapes.get(label);
    assert.ok(shape, `docs/output.md has no row "${label}"`);
    seen.add(label);
    assert.ok(stdout.endsWith('\n') || stdout === '', 'ends with a newline');
    const lines = stdout.split('\n').filter((l) => l !== '');
    for (const line of lines) assert.doesNotMatch(line, /^\s|\n/, 'one compact object per line');
    const objects = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    if (options.fails) {
      const last = objects.pop();
      assert.ok(last, 'a failure prints the error line');
      holdsError(last);
    }
    if (options.lines !== undefined) assert.equal(objects.length, options.lines, stdout);
    for (const object of objects) {
      const keys = Object.keys(object);
      for (const key of keys)
        assert.ok(shape.required.has(key) || shape.optional.has(key), `${label}: "${key}" is not documented`);
      for (const key of shape.required) assert.ok(keys.includes(key), `${label}: "${key}" is missing`);
    }
    return objects;
  }

  function holdsError(object: Record<string, unknown>) {
    seen.add('any command that fails');
    assert.deepEqual(Object.keys(object), ['error']);
    const error = object.error as Record<string, unknown>;
    const keys = Object.keys(error);
    for (const key of ['code', 'message', 'exitCode']) assert.ok(keys.includes(key), `error: ${key} missing`);
    for (const key of keys) assert.ok(['code', 'message', 'exitCode', 'hint'].includes(key), `error: ${key}`);
  }

  before(async () => {
    shapes = await documentedShapes();
    t = await cliEnv();
    youku = await youkuCliEnv(0);
  });
  after(async () => {
    await t.close();
    await youku.close();
  });

  test('uploads: a new one with every step, one already uploaded, a batch with a bad entry, dry runs', async () => {
    const login = await t.run(['auth', 'login', '--json']);
    assert.equal(login.code, 0, login.stderr);
    holds('`auth login`', login.stdout, { lines: 1 });
    const video = await makeVideo(join(t.dir, 'one.mp4'), 60_000);
    const done = join(t.dir, 'done');
    const first = await t.run([
      'upload',
      video,
      '--json',
      '--thumbnail',
      fixture('thumbnail.jpg'),
      '--playlist',
      'JSON',
      '--create-playlist',
      '--wait',
      '--move-to',
      done,
    ]);
    assert.equal(first.code, 0, first.stderr);
    const [outcome] = holds('`upload`, `batch`, `watch`, the classic form', first.stdout, { lines: 1 });
    assert.equal(outcome?.alreadyUploaded, false);
    const again = await t.run(['--file', join(done, 'one.mp4'), '--json']);
    assert.equal(again.code, 0, again.stderr);
    holds('`upload`, `batch`, `watch`, the classic form', again.stdout, { lines: 1 });

    const manifest = join(t.dir, 'batch.jsonl');
    await makeVideo(join(t.dir, 'two.mp4'), 30_000);
    await writeFile(
      manifest,
      `${JSON.stringify({ file: 'two.mp4' })}\n${JSON.stringify({ file: 'missing.mp4' })}\n`,
    );
    const batch = await t.run(['batch', manifest, '--json']);
    assert.equal(batch.code, 2, batch.stderr);
    const lines = batch.stdout.trim().split('\n');
    assert.equal(lines.length, 2);
    const failed = lines.find((l) => !l.includes('"id"'))!;
    holds('`upload`, `batch`: a file that was not uploaded', `${failed}\n`, { lines: 1 });
    holds('`upload`, `batch`, `watch`, the classic form', `${lines.find((l) => l.includes('"id"'))}\n`, {
      lines: 1,
    });

    const dry = await t.run(['batch', manifest, '--json', '--dry-run']);
    assert.equal(dry.code, 2, dry.stderr);
    holds('`upload --dry-run`, `batch --dry-run`', dry.stdout, { lines: 2 });
    const dryOne = await t.run(['upload', join(t.dir, 'two.mp4'), '--json', '--dry-run']);
    holds('`upload --dry-run`, `batch --dry-run`', dryOne.stdout, { lines: 1 });

    const watched = join(t.dir, 'watched');
    await mkdir(watched);
    const watcher = spawnCli(['watch', watched, '--settle', '200ms', '--json'], { env: t.env, cwd: t.dir });
    let watchOut = '';
    watcher.child.stdout?.on('data', (d: Buffer) => {
      watchOut += d.toString();
    });
    await makeVideo(join(watched, 'three.mp4'), 30_000);
    await waitFor('the watcher to print its upload', () => watchOut.endsWith('\n'));
    watcher.child.kill('SIGTERM');
    assert.equal((await watcher).code, 143);
    holds('`upload`, `batch`, `watch`, the classic form', watchOut, { lines: 1 });

    const missing = await t.run(['upload', join(t.dir, 'nope.mp4'), '--json']);
    assert.equal(missing.code, 2);
    holds('any command that fails', missing.stdout, { lines: 0, fails: true });
  });

  test('managing videos: status, update, thumbnail, playlists, categories, history, quota', async () => {
    const video = await makeVideo(join(t.dir, 'managed.mp4'), 30_000);
    const id = (await t.run(['--file', video])).stdout.trim();
    const status = await t.run(['status', id, '--json']);
    assert.equal(status.code, 0, status.stderr);
    holds('`status`', status.stdout, { lines: 1 });
    const gone = await t.run(['status', 'AAAAAAAAAAA', '--json']);
    assert.notEqual(gone.code, 0);
    holds('`status`', gone.stdout, { lines: 0, fails: true });
    const update = await t.run(['update', id, '--title', 'Renamed', '--json']);
    assert.equal(update.code, 0, update.stderr);
    holds('`update`', update.stdout, { lines: 1 });
    const dry = await t.run(['update', id, '--title', 'Again', '--json', '--dry-run']);
    holds('`update --dry-run`', dry.stdout, { lines: 1 });
    const thumbnail = await t.run(['thumbnail', id, fixture('thumbnail.png'), '--json']);
    assert.equal(thumbnail.code, 0, thumbnail.stderr);
    holds('`thumbnail`', thumbnail.stdout, { lines: 1 });
    const add = await t.run(['playlist', 'add', id, 'Managed', '--create', '--json']);
    assert.equal(add.code, 0, add.stderr);
    holds('`playlist add`', add.stdout, { lines: 1 });
    const list = await t.run(['playlist', 'list', '--json']);
    assert.ok(holds('`playlist list`', list.stdout).length >= 1);
    const categories = await t.run(['categories', '--json']);
    assert.ok(holds('`categories`', categories.stdout).length > 5);
    const history = await t.run(['history', '--json']);
    assert.ok(holds('`history`', history.stdout).length >= 1);
    const quota = await t.run(['quota', '--json']);
    assert.ok(holds('`quota`', quota.stdout).length >= 1);
    const reset = await t.run(['quota', 'reset', '--json']);
    assert.equal(reset.code, 0, reset.stderr);
    holds('`quota reset`', reset.stdout, { lines: 1 });
  });

  test('logins: status, list, import, logout; Youku upload and status', async () => {
    const status = await t.run(['auth', 'status', '--json']);
    holds('`auth status`', status.stdout, { lines: 1 });
    const nobody = await t.run(['auth', 'status', '--json', '--profile', 'nobody']);
    assert.equal(nobody.code, 3);
    holds('`auth status`', nobody.stdout, { lines: 1, fails: true });
    holds('`auth list`', (await t.run(['auth', 'list', '--json'])).stdout);
    const goToken = join(t.dir, 'request.token');
    await writeFile(
      goToken,
      JSON.stringify({
        access_token: 'a',
        token_type: 'Bearer',
        refresh_token: 'r',
        expiry: '2030-01-01T00:00:00Z',
      }),
    );
    const imported = await t.run(['auth', 'import', goToken, '--profile', 'imported', '--json']);
    assert.equal(imported.code, 0, imported.stderr);
    holds('`auth import`', imported.stdout, { lines: 1 });
    const logout = await t.run(['auth', 'logout', '--profile', 'imported', '--json']);
    holds('`auth logout`', logout.stdout, { lines: 1 });

    const yLogin = await youku.run(['auth', 'login', '--provider', 'youku', '--json'], {
      openUrl: playBrowser,
    });
    assert.equal(yLogin.code, 0, yLogin.stderr);
    holds('`auth login`', yLogin.stdout, { lines: 1 });
    await mkdir(join(youku.dir, 'clips'), { recursive: true });
    const clip = await makeVideo(join(youku.dir, 'clips', 'clip.mp4'), 40_000);
    const upload = await youku.run(['--provider', 'youku', '--file', clip, '--tags', 'a', '--json']);
    assert.equal(upload.code, 0, upload.stderr);
    const [outcome] = holds('`upload`, `batch`, `watch`, the classic form', upload.stdout, { lines: 1 });
    const yStatus = await youku.run(['status', '--provider', 'youku', String(outcome?.id), '--json']);
    assert.equal(yStatus.code, 0, yStatus.stderr);
    holds('`status`', yStatus.stdout, { lines: 1 });
  });

  test('every row of the table was checked', () => {
    assert.deepEqual(
      [...shapes.keys()].filter((label) => !seen.has(label)),
      [],
    );
  });
});
