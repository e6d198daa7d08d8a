// This file tests the PostgreSQL test harness itself: a real server, never as root, always cleaned up.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { waitFor } from '../../helpers/wait.js';
import { startPostgres } from './server.js';

const childScript = fileURLToPath(new URL('./server-child.js', import.meta.url));
const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the PostgreSQL test harness', { timeout: 60_000 }, () => {
  test('starts a real server as a non-root user, pauses and resumes it on its port, and removes it by PID', async () => {
    const server = await startPostgres();
    const pid = server.pid;
    let resumed = 0;
    try {
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      const { rows } = await client.query<{ user: string; version: string }>(
        'SELECT current_user AS user, version() AS version',
      );
      await client.end();
      assert.equal(rows[0]!.user, 'vupload');
      assert.match(rows[0]!.version, /^PostgreSQL \d+/);
      assert.notEqual((await stat(`/proc/${pid}`)).uid, 0, 'postgres must not run as root');
      console.error(`# harness: initdb + start took ${server.startMs} ms`);

      await server.pause();
      assert.equal(alive(pid), false);
      await assert.rejects(new pg.Client({ connectionString: server.url }).connect(), {
        code: 'ECONNREFUSED',
      });
      await server.resume();
      resumed = server.pid;
      const again = new pg.Client({ connectionString: server.url });
      await again.connect();
      await again.end();
    } finally {
      await server.destroy();
    }
    assert.ok(resumed > 0);
    assert.equal(alive(resumed), false);
    assert.equal(await exists(server.dir), false);
    await server.destroy(); // twice is harmless
  });

  test('a test process killed with SIGKILL leaves no server and no temp dir behind', async () => {
    const child = spawn(process.execPath, [childScript], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    const { pid, dir } = JSON.parse(line) as { pid: number; dir: string };
    assert.equal(alive(pid), true);
    child.kill('SIGKILL');
    await waitFor('the guard to stop the server', () => !alive(pid), 10_000);
    await waitFor('the guard to remove the temp dir', () => !existsSync(dir), 10_000);
  });
});
