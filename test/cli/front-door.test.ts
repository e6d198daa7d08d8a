// This file tests how vupload reads its command line: global flags anywhere, the classic upload form, typos, help.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Command } from 'commander';
import type { CliContext } from '../../src/cli/context.js';
import { buildProgram } from '../../src/cli/program.js';
import { VERSION } from '../../src/cli/version.js';
import { jsonLines } from '../helpers/cli.js';
import { fixture } from '../helpers/paths.js';
import { type CliEnv, cliEnv } from './env.js';

function hasShell(name: string): boolean {
  return spawnSync(name, ['-c', 'exit 0']).status === 0;
}

describe('the command line', () => {
  let t: CliEnv;
  before(async () => {
    t = await cliEnv();
    await copyFile(fixture('sample.mp4'), join(t.dir, 'clip.mp4'));
  });
  after(() => t.close());

  test('global flags before the command run that command instead of uploading a file named after it', async () => {
    const json = await t.run(['--json', 'auth', 'status', '--profile', 'nobody']);
    assert.equal(json.code, 3, json.stderr);
    const lines = jsonLines(json.stdout);
    assert.deepEqual(lines[0], { profile: 'nobody', provider: 'youtube', loggedIn: false });
    assert.equal((lines[1]?.error as { code?: string } | undefined)?.code, 'notLoggedIn');
    const profile = await t.run(['--profile', 'work', 'auth', 'status']);
    assert.equal(profile.code, 3, profile.stderr);
    assert.match(profile.stderr, /profile "work" is not logged in/);
    const quiet = await t.run(['--quiet', 'history']);
    assert.equal(quiet.code, 0, quiet.stderr);
    assert.equal(quiet.stderr, '', 'history is quiet, and no upload was attempted');
    const after = await t.run(['history', '--json']);
    assert.deepEqual(jsonLines(after.stdout), []);
  });

  test('a mistyped command is refused with a suggestion (exit 2), never looked for as a video', async () => {
    const mark = t.sb.requests.length;
    const typo = await t.run(['uplod', '--title', 'T'], { env: { LANG: 'en_US.UTF-8' } });
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /unknown command 'uplod' — did you mean 'upload'\?/);
    assert.doesNotMatch(typo.stderr, /no such file/);
    const far = await t.run(['frobnicate']);
    assert.equal(far.code, 2);
    assert.match(far.stderr, /unknown command 'frobnicate'/);
    assert.doesNotMatch(far.stderr, /did you mean/);
    assert.equal(t.since(mark).length, 0, 'nothing was sent');
  });

  test('the classic form still uploads: --file, or a first word that is an existing file', async () => {
    const classic = await t.run(['--file', 'clip.mp4', '--title', 'T', '--dry-run']);
    assert.equal(classic.code, 0, classic.stderr);
    assert.equal(jsonLines(classic.stdout)[0]?.dryRun, true);
    const bare = await t.run(['clip.mp4', '--title', 'T', '--dry-run']);
    assert.equal(bare.code, 0, bare.stderr);
    // A file that happens to be named like a typo is a file: it exists, so it is the video.
    await copyFile(fixture('sample.mp4'), join(t.dir, 'uplod'));
    const named = await t.run(['uplod', '--dry-run']);
    assert.equal(named.code, 0, named.stderr);
    // A missing path is reported as a missing file (exit 2), as before.
    const missing = await t.run(['missing.mp4', '--dry-run']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /missing\.mp4/);
  });

  test('-v and -V print the version, as npm and clasp do; --verbose has no short form', async () => {
    for (const flag of ['-v', '-V', '--version']) {
      const result = await t.run([flag]);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, `${VERSION}\n`);
    }
  });

  test('vupload help and vupload help COMMAND print help on stdout and exit 0', async () => {
    const all = await t.run(['help']);
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /Commands:[\s\S]*upload[\s\S]*completion/);
    const status = await t.run(['help', 'status']);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /Usage: vupload status/);
    const nothing = await t.run([]);
    assert.equal(nothing.code, 2, 'no command at all is a usage error, with the help on stderr');
    assert.match(nothing.stderr, /Usage: vupload/);
  });

  test('upload --help groups its options, shows plain defaults and examples', async () => {
    const help = (await t.run(['upload', '--help'])).stdout;
    const headings = [
      'Metadata:',
      'Publishing:',
      'Audience:',
      'After upload:',
      'Transfer:',
      'Unattended:',
      'Output:',
      'Global options',
    ];
    const at = headings.map((h) => help.indexOf(`\n${h}`));
    assert.ok(
      at.every((i) => i > 0),
      `missing headings in:\n${help}`,
    );
    assert.deepEqual(
      [...at].sort((a, b) => a - b),
      at,
      'in that order',
    );
    assert.doesNotMatch(help, /\n {2}--\S+.*\n(?=Options:)/, 'no option is left ungrouped');
    assert.doesNotMatch(help, /Options:\n/);
    assert.match(help, /--retries <n> .*\(default: 10\)/);
    assert.doesNotMatch(help, /default: "/);
    assert.match(help, /Examples:/);
    const sandbox = (await t.run(['sandbox', '--help'])).stdout;
    assert.doesNotMatch(sandbox, /no quota/);
    assert.match(sandbox, /--quota <units>[^-]*\(default:\s+10000\)/);
  });

  test("every command's help lists the global flags it honours", async () => {
    const program = await buildProgram({ env: {} } as CliContext);
    const leaves: Command[] = [];
    const walk = (c: Command) => {
      if (c.commands.length === 0) leaves.push(c);
      for (const sub of c.commands) walk(sub);
    };
    walk(program);
    const expectations: Record<string, string[]> = {
      status: ['--json', '--profile', '--api-url', '--quiet'],
      'auth status': ['--json', '--profile'],
      history: ['--json'],
      upload: ['--json', '--profile', '--provider', '--client-secrets', '--verbose'],
      categories: ['--json', '--profile'],
    };
    for (const leaf of leaves) {
      const names: string[] = [];
      for (let c: Command | null = leaf; c?.parent; c = c.parent) names.unshift(c.name());
      const path = names.join(' ');
      const help = (await t.run([...path.split(' '), '--help'])).stdout;
      for (const flag of expectations[path] ?? []) {
        assert.match(help, new RegExp(`Global options[\\s\\S]*${flag} `), `${path} --help lists ${flag}`);
      }
    }
    const sandbox = (await t.run(['sandbox', '--help'])).stdout;
    assert.doesNotMatch(sandbox, /Global options/, 'the sandbox reads none of them');
  });

  test('completion bash prints a script that parses and completes commands, options and values', async () => {
    const result = await t.run(['completion', 'bash']);
    assert.equal(result.code, 0, result.stderr);
    const file = join(t.dir, 'vupload.bash');
    await writeFile(file, result.stdout);
    const syntax = spawnSync('bash', ['-n', file], { encoding: 'utf8' });
    assert.equal(syntax.status, 0, syntax.stderr);
    const complete = (line: string) => {
      const script = `source ${JSON.stringify(file)}
        read -ra COMP_WORDS <<< ${JSON.stringify(line)}
        ${line.endsWith(' ') ? 'COMP_WORDS+=("")' : ''}
        COMP_CWORD=$((\${#COMP_WORDS[@]} - 1))
        _vupload_completion
        printf '%s\\n' "\${COMPREPLY[@]}"`;
      const run = spawnSync('bash', ['-c', script], { encoding: 'utf8', cwd: t.dir });
      assert.equal(run.status, 0, run.stderr);
      return run.stdout.trim().split('\n');
    };
    assert.deepEqual(complete('vupload au'), ['auth']);
    assert.deepEqual(complete('vupload --json auth lo').sort(), ['login', 'logout']);
    assert.deepEqual(complete('vupload upload --privacy '), ['public', 'private', 'unlisted']);
    assert.ok(complete('vupload upload --chunk').includes('--chunk-size'));
    assert.ok(complete('vupload upload cl').includes('clip.mp4'), 'files are offered to upload');
  });

  test('completion zsh and fish name every command; an unknown shell is exit 2', async () => {
    const program = await buildProgram({ env: {} } as CliContext);
    const names = program.commands.map((c) => c.name()).filter((n) => n !== 'help');
    for (const shell of ['zsh', 'fish']) {
      const result = await t.run(['completion', shell]);
      assert.equal(result.code, 0, result.stderr);
      for (const name of names) assert.match(result.stdout, new RegExp(`\\b${name}\\b`), `${shell}: ${name}`);
    }
    assert.match((await t.run(['completion', 'zsh'])).stdout, /^#compdef vupload/);
    assert.match(
      (await t.run(['completion', 'fish'])).stdout,
      /complete -c vupload -n '__fish_use_subcommand' -a upload/,
    );
    const bad = await t.run(['completion', 'tcsh']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /tcsh/);
  });

  // Run where the shell is installed (CI's machine has neither; a developer's usually has one).
  test('completion zsh, loaded by zsh, completes commands, options and values', {
    skip: !hasShell('zsh'),
  }, async () => {
    const file = join(t.dir, '_vupload');
    await writeFile(file, (await t.run(['completion', 'zsh'])).stdout);
    // zsh's completion system needs a terminal; its builtins are stood in for, and print what they were given.
    const complete = (...words: string[]) => {
      const script = `compdef() { :; }
        source ${JSON.stringify(file)}
        compadd() { print -rl -- \${@:#--}; }
        _describe() { print -rl -- \${\${(@P)4}%%:*}; }
        _files() { print -r -- '(files)'; }
        words=(${words.map((w) => JSON.stringify(w)).join(' ')}); CURRENT=${words.length}
        _vupload`;
      // Its status is that of the last completer asked (none may be, for a command without files): stderr says more.
      const run = spawnSync('zsh', ['-f', '-c', script], { encoding: 'utf8' });
      assert.equal(run.stderr, '');
      return run.stdout.trim().split('\n');
    };
    assert.deepEqual(complete('vupload', 'upload', '--privacy', ''), ['public', 'private', 'unlisted']);
    assert.deepEqual(complete('vupload', 'auth', ''), ['login', 'status', 'logout', 'import', 'list']);
    assert.ok(complete('vupload', 'upload', '--chunk').includes('--chunk-size'));
    assert.ok(complete('vupload', '').includes('(files)'), 'files are offered to upload');
  });

  test('completion fish, loaded by fish, completes commands, options and values', {
    skip: !hasShell('fish'),
  }, async () => {
    const file = join(t.dir, 'vupload.fish');
    await writeFile(file, (await t.run(['completion', 'fish'])).stdout);
    const complete = (line: string) => {
      const run = spawnSync(
        'fish',
        ['--no-config', '-c', `source ${JSON.stringify(file)}; complete -C ${JSON.stringify(line)}`],
        {
          encoding: 'utf8',
          cwd: t.dir,
        },
      );
      assert.equal(run.status, 0, run.stderr);
      return run.stdout
        .trim()
        .split('\n')
        .map((entry) => entry.split('\t')[0]);
    };
    assert.deepEqual(complete('vupload au'), ['auth']);
    assert.deepEqual(complete('vupload auth lo').sort(), ['login', 'logout']);
    assert.deepEqual(complete('vupload upload --privacy ').sort(), ['private', 'public', 'unlisted']);
    assert.ok(complete('vupload upload --chunk').includes('--chunk-size'));
    assert.ok(complete('vupload upload cl').includes('clip.mp4'), 'files are offered to upload');
  });
});
