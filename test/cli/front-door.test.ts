// This file tests how vupload reads its command line: global flags anywhere, the classic upload form, typos, help.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Command } from 'commander';
import type { CliContext } from '../../src/cli/context.js';
import { buildProgram } from '../../src/cli/program.js';
import { VERSION } from '../../src/cli/version.js';
import { jsonLines } from '../helpers/cli.js';
import { allDocs } from '../helpers/docs.js';
import { fixture } from '../helpers/paths.js';
import { type CliEnv, cliEnv } from './env.js';

/** A config directory with logins as vupload saves them: YouTube's `work` and `home`, Youku's `china`. */
async function savedProfiles(dir: string, name: string): Promise<string> {
  const config = join(dir, name);
  await mkdir(join(config, 'tokens'), { recursive: true });
  await mkdir(join(config, 'youku-tokens'), { recursive: true });
  for (const file of ['tokens/work.json', 'tokens/home.json', 'youku-tokens/china.json'])
    await writeFile(join(config, file), '{}');
  return config;
}

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

  test('--proxy is among the global options of every command that calls the API; watch lists its own (issue 27, 7)', async () => {
    for (const path of [
      'upload',
      'batch',
      'watch',
      'update',
      'status',
      'auth login',
      'auth status',
      'playlist add',
    ]) {
      const help = (await t.run([...path.split(' '), '--help'])).stdout;
      assert.match(help, /Global options[\s\S]*--proxy <url>/, `${path} --help lists --proxy`);
    }
    const program = await buildProgram({ env: {} } as CliContext);
    const globals = program.options.filter((o) => !o.hidden && o.long !== '--version').map((o) => o.long!);
    const shown = new Set<string>();
    const walk = async (c: Command, words: string[]) => {
      if (c.commands.length === 0) {
        const help = (await t.run([...words, '--help'])).stdout;
        const part = help.slice(help.indexOf('Global options'));
        for (const flag of globals)
          if (help.includes('Global options') && part.includes(`${flag} `)) shown.add(flag);
      }
      for (const sub of c.commands) await walk(sub, [...words, sub.name()]);
    };
    await walk(program, []);
    assert.deepEqual(
      globals.filter((flag) => !shown.has(flag)),
      [],
      'every global option is honoured somewhere',
    );
    const watch = (await t.run(['watch', '--help'])).stdout;
    assert.match(watch, /Global options[\s\S]*--profile <name>/);
    assert.doesNotMatch(watch, /--dry-run/, 'watch refuses --dry-run: its help does not offer it');
    const refused = await t.run(['watch', t.dir, '--dry-run']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /vupload upload DIR\/\*\.mp4 --dry-run/);
  });

  test('the help, completion --help, the script and the docs suggest the same completion set-ups (issue 27, 7)', async () => {
    const forms = (text: string) =>
      new Set(text.match(/source <\(vupload completion \w+\)|vupload completion \w+ >>? ?\S+/g) ?? []);
    const readme = forms(allDocs());
    const texts = {
      'vupload --help': (await t.run(['--help'])).stdout,
      'vupload completion --help': (await t.run(['completion', '--help'])).stdout,
      'completion bash': (await t.run(['completion', 'bash'])).stdout,
      'completion zsh': (await t.run(['completion', 'zsh'])).stdout,
      'completion fish': (await t.run(['completion', 'fish'])).stdout,
    };
    for (const [where, text] of Object.entries(texts)) {
      const suggested = forms(text);
      assert.ok(suggested.size > 0 || where === 'completion fish', `${where} suggests a set-up`);
      for (const form of suggested)
        assert.ok(readme.has(form), `${where} suggests "${form}", which the docs do not`);
    }
    for (const form of readme)
      assert.ok(
        forms(texts['vupload completion --help']).has(form),
        `completion --help lacks the docs' "${form}"`,
      );
  });

  test('completion offers the shells after `vupload completion` and the saved profiles after --profile (issue 27, 7)', async () => {
    const script = join(t.dir, 'profiles.bash');
    await writeFile(script, (await t.run(['completion', 'bash'])).stdout);
    const config = await savedProfiles(t.dir, 'completion-config');
    const complete = (line: string, env: Record<string, string>) => {
      const run = spawnSync(
        'bash',
        [
          '-c',
          `source ${JSON.stringify(script)}
          read -ra COMP_WORDS <<< ${JSON.stringify(line)}
          ${line.endsWith(' ') ? 'COMP_WORDS+=("")' : ''}
          COMP_CWORD=$((\${#COMP_WORDS[@]} - 1))
          _vupload_completion
          printf '%s\\n' "\${COMPREPLY[@]}"`,
        ],
        { encoding: 'utf8', cwd: t.dir, env: { PATH: process.env.PATH ?? '', HOME: t.dir, ...env } },
      );
      assert.equal(run.status, 0, run.stderr);
      return run.stdout.trim().split('\n').filter(Boolean).sort();
    };
    assert.deepEqual(complete('vupload completion ', {}), ['bash', 'fish', 'zsh']);
    assert.deepEqual(complete('vupload --profile ', { VUPLOAD_CONFIG_DIR: config }), [
      'china',
      'home',
      'work',
    ]);
    assert.deepEqual(complete('vupload upload --profile w', { VUPLOAD_CONFIG_DIR: config }), ['work']);
    // $XDG_CONFIG_HOME/vupload when VUPLOAD_CONFIG_DIR is not set, as src/paths.ts has it.
    await mkdir(join(t.dir, 'xdg'), { recursive: true });
    await rename(config, join(t.dir, 'xdg', 'vupload'));
    assert.deepEqual(complete('vupload status --profile ', { XDG_CONFIG_HOME: join(t.dir, 'xdg') }), [
      'china',
      'home',
      'work',
    ]);
    assert.deepEqual(complete('vupload --profile ', {}), [], 'no saved login: nothing to offer');
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
    const complete = (...words: string[]) => completeIn({}, ...words);
    const completeIn = (env: Record<string, string>, ...words: string[]) => {
      const script = `compdef() { :; }
        source ${JSON.stringify(file)}
        compadd() { print -rl -- \${@:#--}; }
        _describe() { print -rl -- \${\${(@P)4}%%:*}; }
        _files() { print -r -- '(files)'; }
        words=(${words.map((w) => JSON.stringify(w)).join(' ')}); CURRENT=${words.length}
        _vupload`;
      // Its status is that of the last completer asked (none may be, for a command without files): stderr says more.
      const run = spawnSync('zsh', ['-f', '-c', script], {
        encoding: 'utf8',
        env: { ...process.env, ...env },
      });
      assert.equal(run.stderr, '');
      return run.stdout.trim().split('\n');
    };
    assert.deepEqual(complete('vupload', 'completion', ''), ['bash', 'zsh', 'fish']);
    const config = await savedProfiles(t.dir, 'zsh-config');
    assert.deepEqual(completeIn({ VUPLOAD_CONFIG_DIR: config }, 'vupload', '--profile', '').sort(), [
      'china',
      'home',
      'work',
    ]);
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
    const complete = (line: string, env: Record<string, string> = {}) => {
      const run = spawnSync(
        'fish',
        ['--no-config', '-c', `source ${JSON.stringify(file)}; complete -C ${JSON.stringify(line)}`],
        {
          encoding: 'utf8',
          cwd: t.dir,
          env: { ...process.env, ...env },
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
    assert.deepEqual(complete('vupload completion ').sort(), ['bash', 'fish', 'zsh']);
    const config = await savedProfiles(t.dir, 'fish-config');
    assert.deepEqual(complete('vupload --profile ', { VUPLOAD_CONFIG_DIR: config }).sort(), [
      'china',
      'home',
      'work',
    ]);
    assert.ok(complete('vupload upload cl').includes('clip.mp4'), 'files are offered to upload');
  });
});
