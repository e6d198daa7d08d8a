// This file tests `--log-file`: plain timestamped lines, mode 0600, never inside vupload's own directories, and a
// log that cannot be written costing a warning, never the job.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { isVuploadError } from '../../src/errors.js';
import { checkLogFile, LogFile, type LogHandle } from '../../src/unattended/log-file.js';

const enospc = () =>
  Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });

describe('the log file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vupload-log-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  test('gets one ISO-timestamped plain line per message, control characters escaped, appended', async () => {
    const path = join(dir, 'vupload.log');
    await writeFile(path, 'earlier\n');
    let t = Date.parse('2025-01-01T12:00:00Z');
    const log = await LogFile.open(path, { now: () => (t += 1000) });
    await log.write('\u001b[32muploaded\u001b[39m talk.mp4 → VID');
    // A newline (say, in a file name) is escaped: it cannot start a line that looks like vupload's own.
    void log.write('uploaded a\n2025-01-01T00:00:00.000Z uploaded b.mp4\tas X\r\u0007.mp4 as VID');
    await log.write('');
    await log.close();
    assert.equal(
      await readFile(path, 'utf8'),
      'earlier\n' +
        '2025-01-01T12:00:01.000Z uploaded talk.mp4 → VID\n' +
        '2025-01-01T12:00:02.000Z uploaded a\\n2025-01-01T00:00:00.000Z uploaded b.mp4\\tas X\\r\\u0007.mp4 as VID\n' +
        '2025-01-01T12:00:03.000Z \n',
    );
    await assert.rejects(
      LogFile.open(join(dir, 'missing', 'x.log')),
      (e) => isVuploadError(e) && e.exitCode === 2 && e.message.includes(join(dir, 'missing', 'x.log')),
    );
  });

  test('is created with mode 0600, like every file vupload writes', async () => {
    const path = join(dir, 'new.log');
    const log = await LogFile.open(path);
    await log.write('one');
    await log.close();
    assert.equal((await stat(path)).mode & 0o777, 0o600);
  });

  test('a line that cannot be written is one warning naming the file; the lines go on, and its return is said', async () => {
    const warnings: string[] = [];
    const written: string[] = [];
    let full = true;
    const handle: LogHandle = {
      appendFile: async (text) => {
        if (full) throw enospc();
        written.push(String(text));
      },
      close: async () => {},
    };
    const path = join(dir, 'full.log');
    const log = await LogFile.open(path, {
      warn: (m) => warnings.push(m),
      openFile: async () => handle,
    });
    // Never rejects: an upload that awaits its log line goes on.
    await log.write('uploaded a.mp4 as A');
    await log.write('uploaded b.mp4 as B');
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.ok(
      warnings[0]!.startsWith(`Could not write to ${path}: no space left on the device (ENOSPC, write).`),
      warnings[0],
    );
    assert.match(warnings[0]!, /Going on without the log file/);
    full = false;
    await log.write('uploaded c.mp4 as C');
    assert.equal(written.length, 1);
    assert.match(written[0]!, / uploaded c\.mp4 as C\n$/);
    assert.equal(warnings.length, 2);
    assert.match(warnings[1]!, /full\.log is written again \(2 lines were lost\)\.$/);
    await log.close();
  });

  test('a file that cannot be opened for want of space is warned about, opened again at the next line', async () => {
    const warnings: string[] = [];
    let opens = 0;
    const openFile = async (): Promise<LogHandle> => {
      opens += 1;
      if (opens === 1) throw Object.assign(new Error('ENOSPC'), { code: 'ENOSPC', syscall: 'open' });
      return { appendFile: async () => {}, close: async () => {} };
    };
    const path = join(dir, 'later.log');
    const log = await LogFile.open(path, { warn: (m) => warnings.push(m), openFile });
    assert.match(
      warnings[0] ?? '',
      /^Could not open .*later\.log: no space left on the device \(ENOSPC, open\)/,
    );
    await log.write('x');
    assert.equal(opens, 2);
    assert.match(warnings[1] ?? '', /later\.log is written again\.$/);
    await log.close();
  });

  test('/dev/full, a device where every write fails with ENOSPC, never rejects a write', {
    skip: !existsSync('/dev/full') && 'needs /dev/full',
  }, async () => {
    const warnings: string[] = [];
    const log = await LogFile.open('/dev/full', { warn: (m) => warnings.push(m) });
    await log.write('a');
    await log.write('b');
    await log.close();
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0]!,
      /Could not write to \/dev\/full: no space left on the device \(ENOSPC, write\)/,
    );
  });

  test("inside vupload's config or state directory is refused (exit 2), also through a symbolic link", async () => {
    const env = { VUPLOAD_CONFIG_DIR: join(dir, 'config'), VUPLOAD_STATE_DIR: join(dir, 'state') };
    await mkdir(join(dir, 'config', 'tokens'), { recursive: true });
    await mkdir(join(dir, 'state'));
    await symlink(join(dir, 'config', 'tokens'), join(dir, 'innocent'));
    for (const [path, what] of [
      [join(dir, 'config', 'tokens', 'default.json'), 'config'],
      [join(dir, 'innocent', 'default.json'), 'config'],
      [join(dir, 'state', 'history.jsonl'), 'state'],
      [join(dir, 'state', 'new', 'vupload.log'), 'state'],
    ] as const) {
      await assert.rejects(checkLogFile(path, env), (e) => {
        assert.ok(isVuploadError(e));
        assert.equal(e.exitCode, 2);
        assert.ok(
          e.message.startsWith(`--log-file ${path}: is inside vupload's ${what} directory`),
          e.message,
        );
        return true;
      });
    }
    await checkLogFile(join(dir, 'vupload.log'), env);
  });
});
