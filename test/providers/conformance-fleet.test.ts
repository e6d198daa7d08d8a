// This file runs the conformance suite's fleet (issue 25 §2.7) against every provider: two machines (each its own
// HOME, config and state directories, logged in to the same account) share one PostgreSQL store (--state-url) and
// upload the same content, from files of their own, the second while the first is sending: one upload, and both
// print its id.
import assert from 'node:assert/strict';
import { cp, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { freshDatabase } from '../cli/fleet-env.js';
import { makeVideo } from '../cli/video-file.js';
import { spawnCli } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';
import { usePostgres } from '../state/postgres/server.js';
import { RUNS } from './conformance/scenarios.js';
import { assertOneVideo, fileSha, forEachProvider, scenarioTest } from './conformance/suite.js';

const server = usePostgres();
/** How long machine A's upload is held: long enough for machine B to start and reach the content's lock. */
const HOLD_MS = 2000;

forEachProvider((subject, h) => {
  scenarioTest(h, RUNS.find((s) => s.id === 'fleet/one-upload')!, undefined, async () => {
    const { p, dir } = subject();
    const url = await freshDatabase(server());
    // Machine B: its own HOME and state directory, and a copy of machine A's login (as a fleet is set up).
    const home = join(dir, 'machine-b');
    await mkdir(home, { mode: 0o700 });
    await cp(p.env.VUPLOAD_CONFIG_DIR!, join(home, 'config'), { recursive: true });
    const machines = [
      { ...p.env, VUPLOAD_STATE_URL: url },
      {
        ...p.env,
        HOME: home,
        VUPLOAD_CONFIG_DIR: join(home, 'config'),
        VUPLOAD_STATE_DIR: join(home, 'state'),
        VUPLOAD_STATE_URL: url,
      },
    ];
    const source = await makeVideo(join(dir, 'fleet.mp4'), 400_000);
    const copy = join(home, 'same-content.mp4');
    await cp(source, copy);
    const before = await p.videos();
    const received = p.bytesReceived();
    // Machine B starts while machine A is sending (its first data request is answered late): B must wait for A.
    p.fault({ on: 'upload-chunk', delayMs: HOLD_MS });
    const upload = (i: number, file: string) =>
      spawnCli(['upload', file, ...p.uploadArgs, '--wait-lock'], { cwd: dir, env: machines[i]! });
    const first = upload(0, source);
    await waitFor('machine A to send', () => p.bytesReceived() > received, 20_000);
    const [a, b] = await Promise.all([first, upload(1, copy)]);
    assert.equal(p.faultsPending(), 0);
    assert.equal(a.code, 0, `machine A: ${a.stderr}`);
    assert.equal(b.code, 0, `machine B: ${b.stderr}`);
    const id = a.stdout.trim();
    assert.equal(b.stdout.trim(), id, 'both print the one video');
    await assertOneVideo(p, await fileSha(source), id, 'one content on two machines', before);
  });
});
