// This file checks vupload's documentation as a whole (issue 27, item 10): README's first screen gets a newcomer to a
// first upload, every link between README and docs/ lands on a heading, every section that a message, help text or
// comment names exists, every flag and VUPLOAD_* variable is documented, and docs/ ships with the program.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { test } from 'node:test';
import type { Command } from 'commander';
import type { CliContext } from '../src/cli/context.js';
import { buildProgram } from '../src/cli/program.js';
import { docsSection, headingAnchor, PROJECT_URL } from '../src/docs.js';
import { allDocs, docPages, headings, relativeLinks, section } from './helpers/docs.js';
import { repoRoot } from './helpers/paths.js';

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

test("README's first screen is Getting started: the project's two commands, install, login and a first upload", () => {
  const screen = readme.split('\n').slice(0, 60).join('\n');
  assert.match(screen, /^## Getting started$/m);
  // CI and people run these two exactly.
  assert.ok(screen.includes('    npm ci && npm run demo'), 'npm ci && npm run demo');
  assert.ok(screen.includes('    npm ci && npm test'), 'npm ci && npm test');
  const steps = [
    /git clone \S+vupload/,
    /npm install -g \.\/vupload-\S+\.tgz --ignore-scripts/,
    /vupload sandbox --dir/,
    /vupload auth login/,
    /vupload upload test\/fixtures\/sample\.mp4 --title/,
  ];
  let from = 0;
  for (const step of steps) {
    const at = screen.slice(from).search(step);
    assert.ok(at >= 0, `the first 60 lines have ${step}, after the step before it`);
    from += at;
  }
  const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string })
    .version;
  assert.ok(
    readme.includes(`./vupload-${version}.tgz`),
    `the tarball npm pack writes: vupload-${version}.tgz`,
  );
});

test('Getting started also has a cron line, where the files are, upgrading and uninstalling, and stays short', () => {
  const body = section(readme, 'Getting started');
  assert.ok(body);
  assert.ok(body.split('\n').length <= 75, `Getting started is ${body.split('\n').length} lines`);
  assert.match(body, /^ {4}\d+ \d+ \* \* \* .*vupload upload/m, 'a crontab line');
  assert.match(body, /~\/\.config\/vupload/);
  assert.match(body, /~\/\.local\/state\/vupload/);
  assert.match(body, /git pull/);
  assert.match(body, /npm uninstall -g vupload/);
  // What `npm uninstall -g` leaves behind, and how to remove it.
  assert.match(body, /rm -rf ~\/\.config\/vupload ~\/\.local\/state\/vupload/);
});

test('every relative link in README and docs/ leads to a file that exists, and to a heading of it', () => {
  const broken: string[] = [];
  let checked = 0;
  for (const { page, text } of docPages()) {
    for (const link of relativeLinks(text)) {
      checked++;
      const target = link.target === '' ? page : normalize(join(dirname(page), link.target));
      const where = `${page}:${link.line} → ${link.target}${link.anchor !== undefined ? `#${link.anchor}` : ''}`;
      if (!existsSync(join(repoRoot, target))) {
        broken.push(`${where}: no such file`);
        continue;
      }
      if (link.anchor === undefined || !target.endsWith('.md')) continue;
      const anchors = headings(readFileSync(join(repoRoot, target), 'utf8')).map((h) => h.anchor);
      if (!anchors.includes(link.anchor)) broken.push(`${where}: no such heading in ${target}`);
    }
  }
  assert.deepEqual(broken, []);
  assert.ok(checked >= 40, `checked ${checked} links`);
  // README links every page under docs/.
  for (const { page } of docPages().slice(1))
    assert.ok(readme.includes(`](${page})`), `README links ${page}`);
});

test('every section that a message, help text, comment or script names (a page and a quoted heading) exists', () => {
  const named: Array<{ file: string; page: string; heading: string }> = [];
  const sources = ['src', 'test', 'scripts', 'bin', '.ci'].flatMap((dir) => files(join(repoRoot, dir)));
  // This file's own examples name pages that do not exist on purpose.
  const scanned = sources.filter(
    (f) => /\.(ts|cts|mjs|cjs|js)$|\/run$/.test(f) && !f.endsWith('/docs.test.ts'),
  );
  for (const file of scanned) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(README(?:\.md)?|docs\/[\w-]+\.md)[,:]?(?:\s|\/\/|\*)*\(?"([^"\n$]+)"/g))
      named.push({ file, page: m[1] === 'README' ? 'README.md' : m[1]!, heading: m[2]! });
    for (const m of text.matchAll(/docsSection\('([^']+)', '([^']+)'\)/g))
      named.push({ file, page: m[1]!, heading: m[2]! });
  }
  assert.ok(named.some((n) => n.heading === 'Getting a client_secrets.json' && n.page === 'docs/login.md'));
  assert.ok(named.length >= 15, `found ${named.length} pointers`);
  const missing = named.filter(({ page, heading }) => {
    const path = join(repoRoot, page);
    return !existsSync(path) || !headings(readFileSync(path, 'utf8')).some((h) => h.text === heading);
  });
  assert.deepEqual(
    missing.map((m) => `${m.file.slice(repoRoot.length)} names ${m.page} "${m.heading}"`),
    [],
  );
});

test('every flag of every command, and every VUPLOAD_* variable in the code, is documented in README or docs/', async () => {
  const docs = allDocs();
  const program = await buildProgram({ env: {} } as CliContext);
  const flags = new Set<string>();
  const walk = (command: Command) => {
    for (const option of command.options) if (option.long) flags.add(option.long);
    command.commands.forEach(walk);
  };
  walk(program);
  assert.ok(flags.size > 60, `${flags.size} flags`);
  const documented = (flag: string) =>
    new RegExp(`(^|[^\\w-])${flag}(?![\\w-])`).test(docs) ||
    (flag.startsWith('--no-') && docs.includes(`--[no-]${flag.slice(5)}`)) ||
    docs.includes(`--[no-]${flag.slice(2)}`);
  assert.deepEqual([...flags].filter((flag) => !documented(flag)).sort(), [], 'flags no page mentions');
  const variables = new Set(
    files(join(repoRoot, 'src')).flatMap(
      (file) => readFileSync(file, 'utf8').match(/VUPLOAD_[A-Z0-9_]+/g) ?? [],
    ),
  );
  assert.ok(variables.size >= 10);
  assert.deepEqual(
    [...variables].filter((name) => !docs.includes(name)).sort(),
    [],
    'variables no page mentions',
  );
});

test('messages point at a section of the docs installed with the program, else at the project page', () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    repository: { url: string };
    files: string[];
  };
  assert.ok(pkg.files.includes('docs'), 'package.json "files" ships docs/');
  assert.equal(
    docsSection('docs/login.md', 'Logging in'),
    `${join(repoRoot, 'docs', 'login.md')}, section "Logging in"`,
  );
  assert.equal(pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, ''), PROJECT_URL);
  assert.equal(
    docsSection('docs/no-such-page.md', 'Logging in'),
    `${PROJECT_URL}/blob/main/docs/no-such-page.md#logging-in`,
  );
  assert.equal(headingAnchor('Getting a client_secrets.json'), 'getting-a-client_secretsjson');
  assert.equal(headingAnchor('Output contract (for scripts)'), 'output-contract-for-scripts');
  assert.equal(headingAnchor('Logging in'), 'logging-in');
});
