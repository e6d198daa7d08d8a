// This file runs the conformance suite's watched folder and pipe (issue 25 §2.6) against every provider: a real
// `vupload watch` uploads two files that appear, each once; a real pipe of unknown length becomes one intact video,
// where the protocol allows it (where not, the provider refuses the pipe: exit 2, saying why, nothing sent).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadProvider, type ProviderName } from '../../src/providers/registry.js';
import { collect } from '../cli/pipe-runner.js';
import { makeVideo } from '../cli/video-file.js';
import { Watcher } from '../cli/watcher.js';
import { vuploadBin } from '../helpers/paths.js';
import { waitFor } from '../helpers/wait.js';
import { RUNS } from './conformance/scenarios.js';
import {
  assertOneVideo,
  exemption,
  fileSha,
  forEachProvider,
  scenarioTest,
  sha256,
} from './conformance/suite.js';
import { HARNESSES } from './harnesses.js';

const scenario = (id: string) => RUNS.find((s) => s.id === id)!;

/** `vupload ARGV` as a real process in `dir` with `env`, its standard input a pipe fed `input`. */
function piped(argv: string[], dir: string, env: Record<string, string>, input: Buffer) {
  const child = spawn(process.execPath, [vuploadBin, ...argv], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  // A run that refuses the pipe exits without reading it.
  child.stdin.on('error', () => {});
  child.stdin.end(input);
  return collect(child);
}

forEachProvider((subject, h) => {
  scenarioTest(h, scenario('watch/two-files'), undefined, async () => {
    const { p, dir } = subject();
    const folder = join(dir, 'watched');
    await mkdir(folder);
    const before = await p.videos();
    const watcher = new Watcher(
      spawn(process.execPath, [vuploadBin, 'watch', folder, '--settle', '300ms', ...p.uploadArgs], {
        cwd: dir,
        env: { PATH: process.env.PATH ?? '', ...p.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    try {
      const files: string[] = [];
      for (const name of ['first.mp4', 'second.mp4']) {
        // Written under a partial name and renamed when complete, as recorders do.
        await makeVideo(join(folder, `${name}.part`), 200_000);
        await rename(join(folder, `${name}.part`), join(folder, name));
        files.push(join(folder, name));
      }
      await waitFor('two ids from the watcher', () => watcher.ids().length === 2, 30_000).catch(
        (error: Error) => {
          throw new Error(`${error.message}\n${watcher.stderr}`);
        },
      );
      assert.equal(await watcher.stop(), 143, watcher.stderr);
      const ids = watcher.ids();
      const videos = await p.videos();
      for (const file of files) {
        const sha = await fileSha(file);
        const video = videos.find((v) => v.sha256 === sha);
        assert.ok(video && ids.includes(video.id), `${file} is one of the printed videos`);
        await assertOneVideo(p, sha, video.id, file);
      }
      assert.equal(videos.length - before.length, 2, 'two videos, one per file');
    } finally {
      watcher.child.kill('SIGKILL');
    }
  });

  scenarioTest(h, scenario('pipe/unknown-length'), undefined, async () => {
    const { p, dir } = subject();
    const bytes = randomBytes(2 * h.chunk + 12_345);
    const received = p.bytesReceived();
    const before = await p.videos();
    const result = await piped(['upload', '-', '--title', 'Piped', ...p.uploadArgs], dir, p.env, bytes);
    assert.equal(result.code, 0, result.stderr);
    await assertOneVideo(p, sha256(bytes), result.stdout.trim(), 'the piped bytes', before);
    assert.equal(p.bytesReceived() - received, bytes.length, 'every byte sent once');
  });

  // Where the protocol cannot take a pipe, the exemption is the provider's refusal: exit 2, saying why, nothing sent.
  if (exemption(h, scenario('pipe/unknown-length'))) {
    test(`a pipe is refused where exempt: ${h.name}`, async () => {
      const { p, dir } = subject();
      const provider = await loadProvider(h.name as ProviderName);
      const sent = p.requestCount();
      const result = await piped(
        ['upload', '-', '--title', 'Piped', ...p.uploadArgs],
        dir,
        p.env,
        randomBytes(100_000),
      );
      assert.equal(result.code, 2, result.stderr);
      assert.ok(provider.pipe !== true && result.stderr.includes(provider.pipe.reason), result.stderr);
      assert.equal(p.requestCount(), sent, 'nothing sent');
    });
  }
});

// Not a row of the table: an exemption from pipes must be the provider's own refusal, not a hole in the suite.
for (const h of HARNESSES) {
  test(`contract: ${h.name} is exempt from pipes exactly when it refuses them`, async () => {
    const provider = await loadProvider(h.name as ProviderName);
    assert.equal(provider.pipe === true, exemption(h, scenario('pipe/unknown-length')) === undefined);
  });
}
