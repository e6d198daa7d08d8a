// This file runs the conformance suite's inputs and output (issue 25 §2.4, §2.5) against every provider: a dry run
// and every bad input send nothing, each upload flag is honoured or refused by name, and stdout is what the output
// contract (docs/output.md) says (the id alone, or the JSON line of its table).
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadProvider, type ProviderName } from '../../src/providers/registry.js';
import { sampleValue, uploadOptions, writeSampleFiles } from '../cli/upload-flags.js';
import { makeVideo } from '../cli/video-file.js';
import { ANSI, jsonLines } from '../helpers/cli.js';
import { repoRoot } from '../helpers/paths.js';
import { BAD_INPUTS, CLI } from './conformance/scenarios.js';
import { fileSha, forEachProvider, type Subject, scenarioTest } from './conformance/suite.js';

const scenario = (id: string) => CLI.find((s) => s.id === id)!;

/** The JSON table of docs/output.md, row of the upload line: its fields, those marked `?` optional. */
async function readmeUploadFields(): Promise<{ required: string[]; optional: string[] }> {
  const readme = await readFile(join(repoRoot, 'docs', 'output.md'), 'utf8');
  const row = readme.split('\n').find((line) => line.startsWith('| `upload`, `batch`, `watch`'));
  assert.ok(row, "docs/output.md's JSON table has the upload row");
  const fields = row
    .split('|')[3]!
    .replace(/`/g, '')
    .split(',')
    .map((f) => f.trim());
  return {
    required: fields.filter((f) => !f.endsWith('?')),
    optional: fields.filter((f) => f.endsWith('?')).map((f) => f.slice(0, -1)),
  };
}

/** Flags that are one flag under two names. */
const SAME_FLAG: Record<string, string[]> = {
  '--tags': ['--tags', '--keywords'],
  '--keywords': ['--tags', '--keywords'],
};

/** A stack trace on stderr: never shown to a person for a bad input. */
const STACK = /\n\s+at .+:\d+:\d+/;

/** Runs `argv`; asserts exit 2, `names` on stderr, no stack trace, and that nothing reached the server. */
async function assertRefused(t: Subject, argv: string[], names: RegExp | string, what: string) {
  const sent = t.p.requestCount();
  const videos = (await t.p.videos()).length;
  const result = await t.run(argv);
  assert.equal(result.code, 2, `${what}: exit ${result.code}\n${result.stdout}${result.stderr}`);
  if (typeof names === 'string')
    assert.ok(result.stderr.includes(names), `${what} names ${names}: ${result.stderr}`);
  else assert.match(result.stderr, names, what);
  assert.doesNotMatch(result.stderr, STACK, `${what}: a stack trace`);
  assert.equal(t.p.requestCount(), sent, `${what}: nothing sent`);
  assert.equal((await t.p.videos()).length, videos, `${what}: no video`);
}

forEachProvider((subject, h) => {
  scenarioTest(h, scenario('inputs/dry-run'), undefined, async () => {
    const { p, dir, run } = subject();
    const file = await makeVideo(join(dir, 'dry.mp4'), 100_000);
    const sent = p.requestCount();
    for (const json of [[], ['--json']]) {
      const result = await run(['upload', file, ...p.uploadArgs, '--dry-run', ...json]);
      assert.equal(result.code, 0, result.stderr);
      assert.notEqual(result.stdout.trim(), '', 'the dry run prints what it would send');
    }
    assert.equal(p.requestCount(), sent, 'nothing sent');
  });

  scenarioTest(h, scenario('inputs/bad-input'), undefined, async () => {
    const t = subject();
    const dir = join(t.dir, 'bad');
    await mkdir(dir, { recursive: true });
    const file = await makeVideo(join(dir, 'good.mp4'), 100_000);
    await writeFile(join(dir, 'empty.mp4'), '');
    await writeFile(join(dir, 'latin1.txt'), Buffer.from('caf\xe9', 'latin1'));
    for (const input of BAD_INPUTS) {
      const args = input.args.map((a) =>
        a.replace('FILE', file).replace('DIR', dir).replace('STATE', t.p.env.VUPLOAD_STATE_DIR!),
      );
      await assertRefused(t, ['upload', ...args, ...t.p.uploadArgs], input.names, input.what);
    }
  });

  scenarioTest(h, scenario('inputs/unhonoured-flag'), undefined, async (test) => {
    const t = subject();
    const provider = await loadProvider(h.name as ProviderName);
    const dir = join(t.dir, 'flags');
    await mkdir(dir, { recursive: true });
    await writeSampleFiles(dir);
    const file = await makeVideo(join(dir, 'flags.mp4'), 100_000);
    const refused: string[] = [];
    for (const option of await uploadOptions()) {
      const args = sampleValue(dir, option.long!);
      // The provider's own arguments (Youku's --tags) give way to the flag under test (or its other name).
      const same = SAME_FLAG[option.long!] ?? [option.long!];
      const own = t.p.uploadArgs.filter((a, i, all) => !same.includes(a) && !same.includes(all[i - 1]!));
      const argv = ['upload', file, ...own, '--dry-run', ...args];
      if (provider.uploadFlags.has(option.attributeName())) {
        const sent = t.p.requestCount();
        const result = await t.run(argv);
        assert.equal(result.code, 0, `${option.long} is honoured: ${result.stderr}`);
        assert.equal(t.p.requestCount(), sent, `${option.long}: a dry run sends nothing`);
        continue;
      }
      refused.push(option.long!);
      await assertRefused(t, argv, option.long!, `${option.long} (not honoured)`);
      // A real run too: the flag stops it before anything is sent.
      await assertRefused(
        t,
        argv.filter((a) => a !== '--dry-run'),
        option.long!,
        `${option.long} (a real run)`,
      );
    }
    test.diagnostic(refused.length ? `refused: ${refused.join(' ')}` : 'honours every upload flag');
  });

  scenarioTest(h, scenario('output/json'), undefined, async () => {
    const { p, dir, run } = subject();
    const { required, optional } = await readmeUploadFields();
    const file = await makeVideo(join(dir, 'json.mp4'), 150_000);
    const result = await run(['upload', file, ...p.uploadArgs, '--json']);
    assert.equal(result.code, 0, result.stderr);
    const lines = jsonLines(result.stdout);
    assert.equal(lines.length, 1, 'one line per file');
    const line = lines[0]!;
    for (const field of required) assert.ok(field in line, `docs/output.md's field ${field} is on the line`);
    for (const field of Object.keys(line))
      assert.ok(
        required.includes(field) || optional.includes(field),
        `${field} is in docs/output.md's table`,
      );
    const stored = (await p.videos()).find((v) => v.id === line.id);
    assert.equal(stored?.sha256, await fileSha(file), 'id names the uploaded video');
    assert.equal(line.provider, h.name);
    assert.equal(line.file, file);
    assert.equal(line.bytes, 150_000);
    assert.equal(typeof line.url, 'string');
    for (const flag of ['resumed', 'alreadyUploaded', 'finishedEarlier'])
      assert.equal(typeof line[flag], 'boolean', flag);
    for (const count of ['seconds', 'retries', 'sessionRestarts', 'bytesSent'])
      assert.equal(typeof line[count], 'number', count);
    // The same content again: the journal's id, nothing sent.
    const sent = p.requestCount();
    const again = jsonLines((await run(['upload', file, ...p.uploadArgs, '--json'])).stdout);
    assert.equal(again[0]?.id, line.id);
    assert.equal(again[0]?.alreadyUploaded, true);
    assert.equal(p.requestCount(), sent);
    // A failure ends stdout with the error line, its exitCode the process's.
    const failed = await run(['upload', join(dir, 'missing.mp4'), ...p.uploadArgs, '--json']);
    const error = jsonLines<{ error?: { code: string; message: string; exitCode: number } }>(
      failed.stdout,
    ).at(-1);
    assert.equal(failed.code, 2, failed.stderr);
    assert.equal(error?.error?.exitCode, 2);
    assert.equal(typeof error?.error?.message, 'string');
  });

  scenarioTest(h, scenario('output/id-alone'), undefined, async () => {
    const { p, dir, run } = subject();
    const file = await makeVideo(join(dir, 'plain.mp4'), 120_000);
    const result = await run(['upload', file, ...p.uploadArgs]);
    assert.equal(result.code, 0, result.stderr);
    const id = result.stdout.slice(0, -1);
    assert.equal(result.stdout, `${id}\n`, 'one line');
    assert.match(id, /^\S+$/, 'the id alone');
    const stored = (await p.videos()).find((v) => v.id === id);
    assert.equal(stored?.sha256, await fileSha(file), 'it is the video of the file');
    assert.doesNotMatch(result.stderr, ANSI, 'no control codes when stderr is not a terminal');
  });
});
