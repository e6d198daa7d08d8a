// This file kills a real `vupload watch` before each durable change from the journal line on, starts a watcher again
// and counts what both printed on stdout: every upload a watcher finishes is reported, by one of them.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { listHistory } from '../../src/unattended/journal.js';
import { crashAt, jsonLines } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';
import { type CliEnv, cliEnv } from './env.js';
import { makeVideo } from './video-file.js';
import { killWatchers, startWatcher, type Watcher } from './watcher.js';

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('a watcher killed after recording an upload', { timeout: 180_000 }, () => {
  let t: CliEnv;
  before(async () => {
    t = await cliEnv();
    await t.login();
  });
  after(async () => {
    killWatchers();
    await t.close();
  });

  function watch(dir: string, argv: string[], crash?: ReturnType<typeof crashAt>): Watcher {
    return startWatcher(t, dir, ['--json', ...argv], { settle: '200ms', ...crash });
  }

  /** The ids a watcher printed (--json). */
  const printed = (w: Watcher) => jsonLines<{ id: string }>(w.stdout).map((o) => o.id);

  /** The journal's id for the upload of `file`, once its report is recorded (polled). */
  async function reported(file: string, what: string): Promise<string> {
    for (let until = Date.now() + 20_000; Date.now() < until; await delay(10)) {
      const item = (await listHistory(t.env.VUPLOAD_STATE_DIR!)).find((h) => h.file === file);
      if (item?.steps.some((s) => s.step === 'reported')) return item.id;
    }
    assert.fail(`timed out waiting for the report of ${what} to be recorded`);
  }

  async function journaledId(file: string): Promise<string | undefined> {
    return (await listHistory(t.env.VUPLOAD_STATE_DIR!)).find((h) => h.file === file)?.id;
  }

  /** Runs a traced watcher on a probe file until `done`; the durable changes from the journal line on. */
  async function changesAfterJournal(
    name: string,
    argv: string[],
    match: string,
    done: (file: string) => boolean,
  ): Promise<Array<{ k: number; line: string }>> {
    const folder = join(t.dir, `${name}-probe`);
    await mkdir(folder, { recursive: true });
    const file = await makeVideo(join(folder, 'probe.mp4'), 30_000);
    const trace = join(t.dir, `${name}.trace`);
    const w = watch(folder, argv, crashAt(0, { trace, match }));
    await waitFor(`the probe to be done:\n${w.stderr}`, () => done(file) && printed(w).length === 1);
    await reported(file, 'the probe');
    assert.equal(await w.stop(), 143, w.stderr);
    const changes = (await readFile(trace, 'utf8')).trim().split('\n');
    const first = changes.findIndex((line) => line.includes('history.jsonl'));
    assert.ok(first >= 0, `the journal line is traced:\n${changes.join('\n')}`);
    return changes.slice(first).map((line) => ({ k: Number(line.split(' ')[0]), line }));
  }

  test('with --move-to, each result is printed exactly once, by the killed watcher or the next one', async () => {
    const done = join(t.dir, 'done');
    const argv = ['--move-to', done];
    const match = `history\\.jsonl|steps\\.jsonl|${escapeRegex(done)}|${escapeRegex(t.dir)}/mv-`;
    const moved = (file: string) => existsSync(join(done, basename(file))) && !existsSync(file);
    const points = await changesAfterJournal('mv', argv, match, moved);
    const lines = points.map((p) => p.line).join('\n');
    assert.ok(
      / link /.test(lines) && /steps\.jsonl/.test(lines),
      `the move and the steps are traced:\n${lines}`,
    );
    let printedByRestart = 0;
    for (const { k, line } of points) {
      const folder = join(t.dir, `mv-${k}`);
      await mkdir(folder, { recursive: true });
      const file = await makeVideo(join(folder, `mv-${k}.mp4`), 30_000 + k);
      const mark = t.sb.requests.length;
      const killed = watch(folder, argv, crashAt(k, { match }));
      assert.equal(await killed.exited, 137, `killed before ${line}: ${killed.stderr}`);
      const restart = watch(folder, argv);
      // Moved and printed: the printing follows the move, so a file moved by the killed watcher was printed by it
      // (or never will be, which the assertion below catches); one moved by the restart is printed by the restart.
      await waitFor(
        `mv-${k}.mp4 to be moved and printed (kill before ${line}):\n${restart.stderr}`,
        () =>
          /^Watching/m.test(restart.stderr) &&
          moved(file) &&
          printed(killed).length + printed(restart).length > 0,
      );
      assert.equal(await restart.stop(), 143, restart.stderr);
      const inits = t.since(mark).filter((r) => r.kind === 'upload-init');
      assert.equal(inits.length, 1, `uploaded once (kill before ${line})`);
      const ids = [...printed(killed), ...printed(restart)];
      assert.deepEqual(ids, [await journaledId(file)], `printed once, with the id, kill before ${line}`);
      if (printed(restart).length === 1) printedByRestart += 1;
    }
    assert.ok(printedByRestart >= 2, 'a kill before the move leaves the printing to the next watcher');
  });

  test('without housekeeping, a result the killed watcher never printed is printed by the next; once printed, never again', async () => {
    const match = `history\\.jsonl|steps\\.jsonl|/sessions/|\\.lock`;
    const stays = (file: string) => existsSync(file);
    const points = await changesAfterJournal('keep', [], match, stays);
    // With no steps, the steps journal is written only to record the report, after the printing: the change
    // right before it is the last one before the printing.
    const report = points.findIndex((p) => p.line.includes('steps.jsonl'));
    assert.ok(
      report >= 2,
      `changes between the journal line and the report:\n${points.map((p) => p.line).join('\n')}`,
    );
    const { k, line } = points[report - 1]!;
    const folder = join(t.dir, 'keep');
    await mkdir(folder, { recursive: true });
    const file = await makeVideo(join(folder, 'keep.mp4'), 31_000);
    const mark = t.sb.requests.length;
    const killed = watch(folder, [], crashAt(k, { match }));
    assert.equal(await killed.exited, 137, killed.stderr);
    assert.deepEqual(printed(killed), [], `the watcher killed before ${line} printed nothing`);
    const second = watch(folder, []);
    await waitFor(
      `the second watcher to print keep.mp4:\n${second.stderr}`,
      () => printed(second).length === 1,
    );
    const id = await reported(file, 'keep.mp4');
    assert.equal(await second.stop(), 143, second.stderr);
    assert.deepEqual(printed(second), [id]);
    const third = watch(folder, []);
    await waitFor(`the third watcher to find keep.mp4 uploaded:\n${third.stderr}`, () =>
      /already uploaded/.test(third.stderr),
    );
    assert.equal(await third.stop(), 143, third.stderr);
    assert.deepEqual(printed(third), [], 'a reported upload is not printed again');
    assert.equal(t.since(mark).filter((r) => r.kind === 'upload-init').length, 1, 'uploaded once');
  });
});
