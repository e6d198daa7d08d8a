// This file tests help and the version as bin/vupload.cjs prints them from help.jsonl: the CLI's text, byte for byte.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFile, cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { helpForms } from '../../src/cli/help-forms.js';
import { buildProgram } from '../../src/cli/program.js';
import { type CliResult, runCli, spawnCli } from '../helpers/cli.js';
import { repoRoot, vuploadBin } from '../helpers/paths.js';

const HELP_FILE = join(repoRoot, 'dist/src/cli/help.jsonl');
/** The CLI from its ES modules, the bundle left out: what bin/vupload.cjs stands in for, in a process of its own. */
const FULL_PATH = join(repoRoot, 'dist/test/helpers/run-modules.js');
/** The locales the build renders: vupload's typography, and ASCII. */
const LOCALES: Record<string, string>[] = [{ LANG: 'C.UTF-8' }, {}];

interface HelpFile {
  version: string;
  forms: Record<string, number[]>;
  texts: string[];
}

async function readHelpFile(path = HELP_FILE): Promise<HelpFile> {
  const [index, ...texts] = (await readFile(path, 'utf8')).trimEnd().split('\n');
  return { ...JSON.parse(index!), texts: texts.map((line) => JSON.parse(line) as string) };
}

/** Runs `jobs` a few at a time (each starts a Node process; the machine has two cores). */
async function inTurn<T>(jobs: (() => Promise<T>)[], width = 4): Promise<T[]> {
  const results: T[] = [];
  for (let at = 0; at < jobs.length; at += width)
    results.push(...(await Promise.all(jobs.slice(at, at + width).map((job) => job()))));
  return results;
}

/**
 * A copy of the installed package in `dir`: bin/vupload.cjs and package.json (with `version`), help.jsonl as given
 * (`undefined`: none), and with `bundle` the rest of dist/src/cli copied, and the rest of dist/src and node_modules as links to this
 * checkout's.
 */
async function packageCopy(
  dir: string,
  options: { help: string | undefined; version?: string; bundle: boolean },
): Promise<string> {
  const cli = join(dir, 'dist/src/cli');
  await mkdir(join(dir, 'bin'), { recursive: true });
  await mkdir(cli, { recursive: true });
  await copyFile(vuploadBin, join(dir, 'bin/vupload.cjs'));
  const pkg = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8'));
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({ ...pkg, version: options.version ?? pkg.version }),
  );
  if (options.help !== undefined) await writeFile(join(cli, 'help.jsonl'), options.help);
  if (options.bundle) {
    await symlink(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
    for (const name of await readdir(join(repoRoot, 'dist/src')))
      if (name !== 'cli') await symlink(join(repoRoot, 'dist/src', name), join(dir, 'dist/src', name));
    // Copied, not linked: require() of a linked bundle (Node without a code cache of its V8) would run it from this
    // checkout, where package.json names another version.
    for (const name of await readdir(join(repoRoot, 'dist/src/cli')))
      if (name !== 'help.jsonl')
        await cp(join(repoRoot, 'dist/src/cli', name), join(cli, name), { recursive: true });
  }
  return join(dir, 'bin/vupload.cjs');
}

const inProcess = (argv: string[], env: Record<string, string>): Promise<CliResult> => runCli(argv, { env });

let dir: string;
let prerendered: HelpFile;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vupload-help-'));
  prerendered = await readHelpFile();
});
after(() => rm(dir, { recursive: true, force: true }));

describe('prerendered help and version', () => {
  test("help.jsonl holds every form the program has: each command's --help and -h, help <command>, the version flags", async () => {
    const program = await buildProgram({ env: {}, cwd: dir } as Parameters<typeof buildProgram>[0]);
    const keys = helpForms(program).map((form) => form.join('\0'));
    assert.deepEqual(Object.keys(prerendered.forms).sort(), keys.sort());
    for (const form of [
      ['--help'],
      ['help'],
      ['-V'],
      ['help', 'completion'],
      ['upload', '-h'],
      ['auth', 'login', '--help'],
      ['auth', 'help', 'login'],
      ['state', 'export', '-h'],
    ])
      assert.ok(keys.includes(form.join('\0')), form.join(' '));
    assert.equal(
      prerendered.version,
      JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')).version,
    );
  });

  test('from a package holding only bin/vupload.cjs, help.jsonl and package.json, every form prints what the CLI prints, in a UTF-8 locale and in another', async () => {
    const bin = await packageCopy(join(dir, 'bare'), {
      help: await readFile(HELP_FILE, 'utf8'),
      bundle: false,
    });
    const forms = Object.keys(prerendered.forms).map((key) => key.split('\0'));
    const jobs = forms.flatMap((argv) =>
      LOCALES.map((env) => async () => {
        const [fast, full] = await Promise.all([spawnCli(argv, { entry: bin, env }), inProcess(argv, env)]);
        assert.deepEqual(fast, full, `vupload ${argv.join(' ')} ${JSON.stringify(env)}`);
        return fast.stdout;
      }),
    );
    const outputs = await inTurn(jobs);
    assert.ok(outputs.some((text) => text.includes('…')) && outputs.some((text) => text.includes('...')));
  });

  test('the locale is chosen as the CLI chooses it: LC_ALL, then LC_CTYPE, then LANG, UTF-8 however spelt', async () => {
    const envs: Record<string, string>[] = [
      {},
      { LANG: 'C' },
      { LANG: 'en_US.utf8' },
      { LANG: 'de_DE.UTF-8' },
      { LC_ALL: 'C', LANG: 'C.UTF-8' },
      { LC_ALL: '', LC_CTYPE: 'C.UTF-8', LANG: 'C' },
      { LC_CTYPE: 'POSIX', LANG: 'C.UTF-8' },
      { LC_ALL: 'en_GB.UTF8', LANG: 'C' },
    ];
    await inTurn(
      envs.map((env) => async () => {
        const [fast, full] = await Promise.all([spawnCli(['--help'], { env }), inProcess(['--help'], env)]);
        assert.deepEqual(fast, full, JSON.stringify(env));
      }),
    );
  });

  test('colour variables, VUPLOAD_PROFILE, a profiles.json, TERM, COLUMNS and files named like commands change neither text', async () => {
    const config = join(dir, 'config');
    await mkdir(config, { recursive: true });
    await writeFile(join(config, 'profiles.json'), JSON.stringify({ work: { provider: 'youku' } }));
    for (const name of ['help', 'auth', 'upload']) await writeFile(join(dir, name), 'x');
    const common = {
      VUPLOAD_PROFILE: 'work',
      VUPLOAD_CONFIG_DIR: config,
      TERM: 'xterm-256color',
      COLUMNS: '40',
    };
    const envs = [
      { ...common, LANG: 'C.UTF-8', FORCE_COLOR: '3', CLICOLOR_FORCE: '1' },
      { ...common, NO_COLOR: '1' },
    ];
    await inTurn(
      envs.flatMap((env) =>
        [['--help'], ['upload', '--help'], ['help', 'auth'], ['-v']].map((argv) => async () => {
          const [fast, full] = await Promise.all([
            spawnCli(argv, { env, cwd: dir }),
            spawnCli(argv, { env, cwd: dir, entry: FULL_PATH }),
          ]);
          assert.deepEqual(fast, full, `vupload ${argv.join(' ')} ${JSON.stringify(env)}`);
        }),
      ),
    );
  });

  test('a help.jsonl rendered for another version is not used: --version prints the one package.json names', async () => {
    const bin = await packageCopy(join(dir, 'stale'), {
      help: await readFile(HELP_FILE, 'utf8'),
      version: '9.8.7',
      bundle: true,
    });
    const version = await spawnCli(['--version'], { entry: bin });
    assert.deepEqual(version, { code: 0, stdout: '9.8.7\n', stderr: '' });
    assert.deepEqual(await spawnCli(['-h'], { entry: bin }), await inProcess(['-h'], {}));
  });

  test('without help.jsonl, or with one that cannot be read, the bundle prints the same text', async () => {
    const garbled = `${JSON.stringify({ version: prerendered.version, forms: { '--help': [7, 7] } })}\n"x"\n`;
    const cases: Record<string, string | undefined> = {
      missing: undefined,
      empty: '',
      broken: '{"ver',
      garbled,
    };
    for (const [name, help] of Object.entries(cases)) {
      const bin = await packageCopy(join(dir, name), { help, bundle: true });
      for (const argv of [['--help'], ['auth', 'login', '-h']]) {
        const [fast, full] = await Promise.all([spawnCli(argv, { entry: bin }), inProcess(argv, {})]);
        assert.equal(fast.code, 0, fast.stderr);
        assert.deepEqual(fast, full, `${name}: vupload ${argv.join(' ')}`);
      }
    }
    // A directory where the file should be.
    const bin = await packageCopy(join(dir, 'directory'), { help: undefined, bundle: true });
    await mkdir(join(dir, 'directory/dist/src/cli/help.jsonl'));
    assert.deepEqual(await spawnCli(['--help'], { entry: bin }), await inProcess(['--help'], {}));
  });

  test('on a terminal help is wrapped to its width, as the CLI wraps it (script(1), 100 columns)', {
    skip: spawnSync('script', ['--version']).status === 0 ? false : 'script(1) is not installed',
  }, async () => {
    const env = { PATH: process.env.PATH ?? '', HOME: dir, LANG: 'C.UTF-8', TERM: 'xterm' };
    const command = `stty cols 100 && exec ${JSON.stringify(process.execPath)} ${JSON.stringify(vuploadBin)} --help`;
    const child = spawn('script', ['-qec', command, '/dev/null'], { env, cwd: dir });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    const code = await new Promise((resolve) => child.on('close', resolve));
    assert.equal(code, 0, output);
    const expected = await runCli(['--help'], { env: { LANG: 'C.UTF-8' }, tty: true });
    assert.equal(output.replace(/\r\n/g, '\n'), expected.stdout);
    assert.notEqual(
      expected.stdout,
      (await inProcess(['--help'], { LANG: 'C.UTF-8' })).stdout,
      'widths differ',
    );
  });

  test('a closed pipe or a file on stdout: the same exit, stderr and file as the CLI', async () => {
    // A FIFO whose only reader is closed before vupload writes: the write fails with EPIPE every time.
    const shell = (entry: string, out: string) =>
      `mkfifo p && exec 4<>p 5>p && exec 4<&- && rm p && ${JSON.stringify(process.execPath)} ${JSON.stringify(entry)} help upload >&5; echo "exit $?" >&2; ${JSON.stringify(process.execPath)} ${JSON.stringify(entry)} -h > ${out}`;
    const results = await inTurn(
      [vuploadBin, FULL_PATH].map((entry, n) => async () => {
        const cwd = join(dir, `pipe-${n}`);
        await mkdir(cwd);
        const result = spawnSync('sh', ['-c', shell(entry, 'out.txt')], { cwd, encoding: 'utf8' });
        return {
          status: result.status,
          stderr: result.stderr,
          file: await readFile(join(cwd, 'out.txt'), 'utf8'),
        };
      }),
    );
    assert.equal(results[0]!.status, 0);
    assert.match(results[0]!.stderr, /^exit \d+\n$/);
    assert.deepEqual(results[0], results[1]);
    assert.match(results[0]!.file, /^Usage: vupload /);
  });

  test('a build writes help.jsonl anew: another version in package.json is the one --version prints; a failed build leaves none', async () => {
    const copy = join(dir, 'build');
    const bin = await packageCopy(copy, { help: undefined, version: '9.8.7', bundle: false });
    await symlink(join(repoRoot, 'node_modules'), join(copy, 'node_modules'));
    await cp(join(repoRoot, 'dist/src'), join(copy, 'dist/src'), { recursive: true });
    await cp(join(repoRoot, 'scripts'), join(copy, 'scripts'), { recursive: true });
    const build = () => spawnSync(process.execPath, ['scripts/bundle.mjs'], { cwd: copy, encoding: 'utf8' });
    const built = build();
    assert.equal(built.status, 0, built.stderr);
    const help = await readHelpFile(join(copy, 'dist/src/cli/help.jsonl'));
    assert.equal(help.version, '9.8.7');
    assert.equal(help.texts[help.forms['--version']![1]! - 1], '9.8.7\n');
    assert.deepEqual(await spawnCli(['--version'], { entry: bin }), {
      code: 0,
      stdout: '9.8.7\n',
      stderr: '',
    });
    await writeFile(join(copy, 'dist/src/cli/main.js'), 'this is not JavaScript');
    assert.notEqual(build().status, 0);
    await assert.rejects(readFile(join(copy, 'dist/src/cli/help.jsonl')), { code: 'ENOENT' });
  });
});
