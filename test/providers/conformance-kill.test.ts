// This file runs the conformance suite's kills (issue 25 §2.3) against every provider: a real vupload process is
// killed (SIGKILL, test/helpers/crash-preload.ts) right before a durable file-system change of its upload, then the
// same command runs again: exactly one video of the file's bytes, its id journaled once and printed, the file where
// the command puts it. By default one kill point per kind of change (its operation and file, named without the
// upload's own names); VUPLOAD_CONFORMANCE_KILLS=all kills before every change in turn.
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { makeVideo } from '../cli/video-file.js';
import { crashAt, jsonLines, spawnCli } from '../helpers/cli.js';
import { KILLS } from './conformance/scenarios.js';
import { assertOneVideo, fileSha, forEachProvider, scenarioTest } from './conformance/suite.js';

const ALL = process.env.VUPLOAD_CONFORMANCE_KILLS === 'all';
/** Two Youku slices, a single YouTube request: small, as a kill needs no size. */
const SIZE = 300_000;

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What a trace line (`<n> <op> <path>[ -> <path>]`) changes. */
function parse(line: string): { op: string; path: string; to?: string } {
  const [, op, rest] = /^\d+ (\S+) (.*)$/.exec(line) ?? ['', '', line];
  const [path, to] = rest!.split(' -> ');
  return { op: op!, path: path!, ...(to !== undefined ? { to } : {}) };
}

/**
 * The kill points: every change (ALL), or by default every commit point: each rename and link, each file written or
 * removed in place; not a folder made (it holds no state), nor a temporary file written or removed (the rename or
 * link that publishes it is the step).
 */
function killPoints(steps: string[]): number[] {
  const changes = steps.map(parse);
  if (ALL) return changes.map((_, i) => i + 1);
  const opened = new Set(changes.filter((c) => c.op === 'open').map((c) => c.path));
  const published = new Set(changes.filter((c) => c.op === 'rename' || c.op === 'link').map((c) => c.path));
  const temporary = (path: string) => opened.has(path) && published.has(path);
  return changes.flatMap((c, i) =>
    c.op === 'mkdir' || ((c.op === 'open' || c.op === 'unlink') && temporary(c.path)) ? [] : [i + 1],
  );
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

forEachProvider((subject, h) => {
  for (const s of KILLS) {
    scenarioTest(h, s, undefined, async (t) => {
      const { p, dir, run } = subject();
      const work = join(dir, s.id.replace('/', '-'));
      const args = s.args.map((a) => a.replace('DIR', work));
      const target = args[args.indexOf('--move-to') + 1];
      // Made before the probe, so that its changes are every later run's (a first run also creates folders).
      await mkdir(p.env.VUPLOAD_STATE_DIR!, { recursive: true });
      await mkdir(target ?? work, { recursive: true });
      const command = (file: string) => ['upload', file, ...p.uploadArgs, ...args];
      const vupload = (file: string, crash: ReturnType<typeof crashAt>) =>
        spawnCli(command(file), { cwd: dir, env: { ...p.env, ...crash.env }, nodeArgs: crash.nodeArgs });
      const match = escapeRegex(dir);

      const trace = join(work, 'trace.txt');
      const probe = await makeVideo(join(work, 'probe.mp4'), SIZE);
      const traced = await vupload(probe, crashAt(0, { trace, match }));
      assert.equal(traced.code, 0, traced.stderr);
      const steps = (await readFile(trace, 'utf8')).trim().split('\n');
      const points = killPoints(steps);
      t.diagnostic(`${steps.length} durable changes; killed before ${points.length}: ${points.join(', ')}`);

      for (const k of points) {
        const what = `killed before change ${k} (${steps[k - 1]!.replace(/^\d+ /, '').split(dir).join('')})`;
        const file = await makeVideo(join(work, `k${k}.mp4`), SIZE);
        const sha = await fileSha(file);
        const before = await p.videos();
        const killed = await vupload(file, crashAt(k, { match }));
        assert.equal(killed.code, 137, `${what}: not killed (${killed.code}) ${killed.stderr}`);
        const again = await run(command(file));
        assert.equal(again.code, 0, `${what}, the same command: ${again.stderr}`);
        const id = again.stdout.trim();
        await assertOneVideo(p, sha, id, what, before);
        const history = await run(['history', '--json']);
        const lines = jsonLines<{ id: string; file: string }>(history.stdout).filter((l) => l.file === file);
        assert.deepEqual(
          lines.map((l) => l.id),
          [id],
          `${what}: journaled once`,
        );
        const kept = target ? join(target, basename(file)) : file;
        assert.equal(await fileSha(kept).catch(() => 'missing'), sha, `${what}: the file is at ${kept}`);
        if (target) {
          assert.equal(await exists(file), false, `${what}: moved, not copied`);
          const stem = basename(file, '.mp4');
          const copies = (await readdir(target)).filter(
            (n) => n.startsWith(`${stem}.`) || n.startsWith(`${stem}-`),
          );
          assert.deepEqual(copies, [basename(file)], `${what}: one copy in ${target}`);
        }
        const held = (await readdir(work)).filter((n) => n.startsWith('.vupload-'));
        assert.deepEqual(held, [], `${what}: nothing left held or probed`);
      }
    });
  }
});
