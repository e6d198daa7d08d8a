// This file tests the PostgreSQL state store against a real server: migrations, journal, sessions, import/export.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isVuploadError } from '../../../src/errors.js';
import { PostgresStateStore, SCHEMA_VERSION } from '../../../src/state/postgres/index.js';
import {
  findConfirmedUpload,
  isRecordedUpload,
  listHistory,
  recordStep,
  Step,
} from '../../../src/unattended/journal.js';
import { appendHistory, readHistory, STREAM_FINGERPRINT } from '../../../src/upload/journal.js';
import {
  createFileSessionStore,
  type SessionRecord,
  sessionsDir,
} from '../../../src/upload/session-store.js';
import { freshSchema, storeFactory } from './helpers.js';
import { usePostgres } from './server.js';

const server = usePostgres();
const openStore = storeFactory(server);

const entry = (over: Record<string, unknown> = {}) => ({
  time: '2026-03-01T10:00:00.000Z',
  account: 'default',
  provider: 'youtube',
  file: '/rec/a.mp4',
  size: 10_000_000,
  fingerprint: 'sample-a',
  contentHash: 'sha256:aaa',
  videoId: 'vid-a',
  title: 'Talk A',
  ...over,
});

const session = (over: Partial<SessionRecord> & Record<string, unknown> = {}): SessionRecord => ({
  version: 1,
  sessionUri: 'http://127.0.0.1:1/upload?upload_id=abc',
  path: '/nas/a.mp4',
  size: 10_000_000,
  mtimeMs: 1,
  fingerprint: 'sample-a',
  metadata: { snippet: { title: 'A' } },
  account: 'default',
  initUrl: 'http://127.0.0.1:1/upload/youtube/v3/videos',
  contentType: 'video/mp4',
  createdAt: 1,
  ...over,
});

describe('migrations', { timeout: 60_000 }, () => {
  test('six processes opening a fresh schema at once all succeed and each migration is applied once', async () => {
    const schema = freshSchema();
    const stores = await Promise.all(Array.from({ length: 6 }, () => openStore({ schema, poolSize: 1 })));
    const versions = await stores[0]!.db.query<{ version: number }>(
      `SELECT version FROM ${stores[0]!.db.table('schema_migrations')}`,
    );
    assert.deepEqual(
      versions.map((v) => v.version),
      Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1),
    );
    assert.deepEqual(await stores[0]!.version(), { database: SCHEMA_VERSION, code: SCHEMA_VERSION });
    assert.deepEqual(
      (await stores[1]!.migrate()).applied,
      [],
      'an explicit migrate() on a current schema does nothing',
    );
  });

  test('a schema newer than this code is refused at open, naming both versions', async () => {
    const schema = freshSchema();
    const store = await openStore({ schema });
    await store.db.query(
      `INSERT INTO ${store.db.table('schema_migrations')} (version, name) VALUES (999, 'future')`,
    );
    await assert.rejects(
      PostgresStateStore.open({ url: server().url, schema }),
      (e) =>
        isVuploadError(e) &&
        e.code === 'stateSchemaNewer' &&
        /999/.test(e.message) &&
        e.message.includes(String(SCHEMA_VERSION)),
    );
  });
});

describe('the journal', { timeout: 60_000 }, () => {
  test('finds an upload by sample fingerprint and size, and by full hash, with its completed steps', async () => {
    const { journal } = await openStore({ schema: freshSchema() });
    assert.equal(await journal.appendUpload(entry()), true);
    assert.equal(
      await journal.appendUpload(
        entry({ videoId: 'vid-b', fingerprint: 'sample-b', contentHash: 'sha256:bbb' }),
      ),
      true,
    );
    await journal.recordStep({
      videoId: 'vid-a',
      step: Step.thumbnail,
      ok: false,
      reason: 'forbidden',
      now: () => 1,
    });
    await journal.recordStep({ videoId: 'vid-a', step: Step.thumbnail, ok: true, now: () => 2 });
    await journal.recordStep({ videoId: 'vid-a', step: Step.playlist('PL1'), ok: false, now: () => 3 });
    const bySample = await journal.findPreviousUpload({
      account: 'default',
      fingerprint: 'sample-a',
      size: 10_000_000,
    });
    assert.equal(bySample?.videoId, 'vid-a');
    assert.deepEqual([...bySample!.completedSteps], [Step.thumbnail]);
    assert.deepEqual(bySample!.entry, entry());
    const byHash = await journal.findByContentHash({ account: 'default', contentHash: 'sha256:bbb' });
    assert.equal(byHash?.videoId, 'vid-b');
    assert.equal(await journal.findByContentHash({ account: 'other', contentHash: 'sha256:bbb' }), undefined);
    assert.equal(
      await journal.findByContentHash({ account: 'default', contentHash: 'sha256:bbb', provider: 'youku' }),
      undefined,
    );
    assert.equal(
      await journal.findPreviousUpload({ account: 'default', fingerprint: 'sample-a', size: 1 }),
      undefined,
    );
  });

  test('findConfirmedUpload and isRecordedUpload answer as the file store does for the same records', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vupload-pg-confirm-'));
    try {
      const { journal } = await openStore({ schema: freshSchema() });
      const records = [
        entry({ videoId: 'v1', contentHash: 'h1' }),
        entry({ videoId: 'v2', contentHash: 'h2' }),
        entry({ videoId: 'legacy', fingerprint: 'sample-t', size: 20, contentHash: undefined }),
        // An upload from a pipe: no samples, found by size and content hash only.
        entry({ videoId: 'piped', fingerprint: STREAM_FINGERPRINT, size: 30, contentHash: 'hp' }),
      ];
      for (const record of records) {
        await appendHistory(dir, record);
        await journal.appendUpload(record);
      }
      for (const [videoId, step, ok, at] of [
        ['v1', Step.thumbnail, true, 1],
        ['v1', Step.moved, true, 2],
        ['v1', Step.thumbnail, false, 3],
        ['v2', Step.caption('en'), true, 4],
      ] as const) {
        await recordStep({ stateDir: dir, videoId, step, ok, now: () => at });
        await journal.recordStep({ videoId, step, ok, now: () => at });
      }
      const queries = [
        { fingerprint: 'sample-a', size: 10_000_000, hash: 'h1' },
        { fingerprint: 'sample-a', size: 10_000_000, hash: 'h2' },
        { fingerprint: 'sample-a', size: 10_000_000, hash: 'h3' },
        { fingerprint: 'sample-t', size: 20, hash: 'hx' },
        { fingerprint: 'sample-u', size: 1, hash: 'never asked' },
        { fingerprint: 'sample-p', size: 30, hash: 'hp' },
        { fingerprint: 'sample-p', size: 30, hash: 'other' },
        { fingerprint: STREAM_FINGERPRINT, size: 10_000_000, hash: 'h2' },
        { fingerprint: STREAM_FINGERPRINT, size: 20, hash: 'hx' },
      ];
      for (const q of queries) {
        const hashed: string[] = [];
        const ask = { account: 'default', fingerprint: q.fingerprint, size: q.size };
        const hash = async () => {
          hashed.push(q.hash);
          return q.hash;
        };
        const fromDb = await journal.findConfirmedUpload({ ...ask, hash });
        const fromFile = await findConfirmedUpload({ ...ask, stateDir: dir, hash });
        assert.deepEqual(fromDb, fromFile, `${q.fingerprint} ${q.hash}`);
        assert.ok(hashed.length <= 2, 'hashed at most once per store');
      }
      const piped = await journal.findConfirmedUpload({
        account: 'default',
        fingerprint: 'sample-p',
        size: 30,
        hash: async () => 'hp',
      });
      assert.equal(
        piped.kind === 'confirmed' && piped.previous.videoId,
        'piped',
        'a file finds its piped twin',
      );
      const recorded = { account: 'default', provider: 'youtube', contentHash: 'h1', videoId: 'v1' };
      assert.equal(await journal.isRecordedUpload(recorded), true);
      assert.equal(await journal.isRecordedUpload({ ...recorded, videoId: 'v2' }), false);
      assert.equal(await isRecordedUpload({ ...recorded, stateDir: dir }), true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('appending the same upload again (a retried write) keeps one record; unknown fields come back as written', async () => {
    const { journal } = await openStore({ schema: freshSchema() });
    const youku = entry({ provider: 'youku', createVideoId: 'c-1', idsDiffer: true, videoId: 'XMz' });
    assert.equal(await journal.appendUpload(youku), true);
    assert.equal(await journal.appendUpload(youku), false);
    assert.deepEqual(await journal.readHistory(), [youku]);
  });

  test("a second machine sees the first one's upload at once (two stores, one database)", async () => {
    const schema = freshSchema();
    const [a, b] = [await openStore({ schema }), await openStore({ schema })];
    await a.journal.appendUpload(entry());
    assert.equal(
      (await b.journal.findByContentHash({ account: 'default', contentHash: 'sha256:aaa' }))?.videoId,
      'vid-a',
    );
  });
});

describe('sessions', { timeout: 60_000 }, () => {
  test('save, load, overwrite and remove a session, as the file store does', async () => {
    const { sessions } = await openStore({ schema: freshSchema() });
    assert.equal(await sessions.load('k1'), undefined);
    await sessions.save('k1', session());
    assert.deepEqual(await sessions.load('k1'), session());
    await sessions.save('k1', session({ sessionUri: 'http://127.0.0.1:1/upload?upload_id=def' }));
    assert.equal((await sessions.load('k1'))?.sessionUri, 'http://127.0.0.1:1/upload?upload_id=def');
    await sessions.remove('k1');
    await sessions.remove('k1');
    assert.equal(await sessions.load('k1'), undefined);
  });

  test('a session and a provider state come back with their keys in the order written (resuming compares them as text)', async () => {
    const store = await openStore({ schema: freshSchema() });
    const written = session({
      metadata: { snippet: { title: 'A', categoryId: '22' }, status: { privacyStatus: 'private' } },
    });
    await store.sessions.save('k1', written);
    assert.equal(JSON.stringify(await store.sessions.load('k1')), JSON.stringify(written));
    const youku = { version: 1, uploadToken: 't', metadata: { title: 'A', tags: 'x', description: 'd' } };
    await store.providerState('youku').save('k2', youku);
    assert.equal(JSON.stringify(await store.providerState('youku').load('k2')), JSON.stringify(youku));
  });

  test("another machine finds a dead machine's session of the same content under another path", async () => {
    const schema = freshSchema();
    const [a, b] = [await openStore({ schema }), await openStore({ schema })];
    await a.sessions.save('key-on-a', session({ contentHash: 'sha256:aaa' }));
    await a.sessions.save('other', session({ fingerprint: 'sample-z' }));
    const found = await b.sessions.findByContent({
      account: 'default',
      size: 10_000_000,
      fingerprint: 'sample-a',
      contentHash: 'sha256:aaa',
    });
    assert.deepEqual(
      found.map((s) => s.key),
      ['key-on-a'],
    );
    assert.equal(found[0]!.record.sessionUri, session().sessionUri);
    const none = await b.sessions.findByContent({
      account: 'default',
      size: 10_000_000,
      fingerprint: 'sample-a',
      contentHash: 'sha256:zzz',
    });
    assert.deepEqual(none, []);
  });

  test('pipe sessions are listed by the start of their keys, as the file store lists them, on any machine', async () => {
    const schema = freshSchema();
    const [a, b] = [await openStore({ schema }), await openStore({ schema })];
    const dir = await mkdtemp(join(tmpdir(), 'vupload-pipe-sessions-'));
    const files = createFileSessionStore(sessionsDir(dir));
    for (const store of [a.pipeSessions(), files]) {
      await store.save('pipe-aaaa-1', session({ path: '-', fingerprint: STREAM_FINGERPRINT }));
      await store.save('pipe-aaaa-2', session({ path: '-', size: 0, fingerprint: STREAM_FINGERPRINT }));
      await store.save('pipe-bbbb-1', session({ path: '-', fingerprint: STREAM_FINGERPRINT }));
      await store.save('key-of-a-file', session());
    }
    for (const store of [b.pipeSessions(), files]) {
      const listed = (await store.list('pipe-aaaa-')).map((s) => s.key).sort();
      assert.deepEqual(listed, ['pipe-aaaa-1', 'pipe-aaaa-2']);
      await store.remove('pipe-aaaa-1');
      assert.deepEqual(
        (await store.list('pipe-aaaa-')).map((s) => [s.key, s.record.size]),
        [['pipe-aaaa-2', 0]],
      );
    }
    await rm(dir, { recursive: true, force: true });
  });
});

describe('import and export', { timeout: 60_000 }, () => {
  test('a file store imported into the database gives the same history, and the import can be repeated', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vupload-pg-import-'));
    try {
      await appendHistory(dir, entry());
      await appendHistory(dir, {
        ...entry({ videoId: 'vid-old', file: '/rec/old.mp4', fingerprint: 'sample-old' }),
        provider: undefined,
      } as never);
      await recordStep({
        stateDir: dir,
        videoId: 'vid-a',
        step: Step.moved,
        ok: true,
        detail: '/done/a.mp4',
        now: () => 5,
      });
      await createFileSessionStore(sessionsDir(dir)).save('abc123', session());
      const ledger = {
        default: { '2026-03-02': { spent: 3250 }, '2026-03-01': { spent: 1, exhausted: true } },
      };
      await writeFile(
        join(dir, 'quota.json'),
        JSON.stringify({ version: 1, accounts: { ...ledger, bad: 7 } }),
      );
      const store = await openStore({ schema: freshSchema() });
      await store.quota.mergeDay('default', '2026-03-02', { spent: 4000 }); // spent by the fleet already
      const report = await store.importStateDir(dir);
      assert.deepEqual(report, {
        uploads: { added: 2, present: 0, invalid: 0 },
        steps: { added: 1, present: 0, invalid: 0 },
        sessions: { added: 1, present: 0, invalid: 0 },
        quotaDays: { added: 2, present: 0, invalid: 1 },
      });
      const at = (day: string) => new Date(`${day}T20:00:00Z`);
      assert.deepEqual(
        await store.quota.today('default', at('2026-03-02')),
        { spent: 4000 },
        'never lowered',
      );
      assert.deepEqual(await store.quota.today('default', at('2026-03-01')), { spent: 1, exhausted: true });
      assert.deepEqual(await store.journal.listHistory(), await listHistory(dir));
      const again = await store.importStateDir(dir);
      assert.deepEqual(again.uploads, { added: 0, present: 2, invalid: 0 });
      assert.deepEqual(again.steps, { added: 0, present: 1, invalid: 0 });
      const previous = await store.journal.findPreviousUpload({
        account: 'default',
        fingerprint: 'sample-a',
        size: 10_000_000,
      });
      assert.deepEqual([...previous!.completedSteps], [Step.moved], 'imported history prevents a re-upload');
      assert.deepEqual(await store.sessions.load('abc123'), session());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('exporting to an empty directory writes history.jsonl and steps.jsonl the file store reads back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vupload-pg-export-'));
    try {
      const store = await openStore({ schema: freshSchema() });
      await store.journal.appendUpload(entry());
      await store.journal.recordStep({ videoId: 'vid-a', step: Step.thumbnail, ok: true, now: () => 9 });
      await store.sessions.save('abc123', session());
      const report = await store.exportStateDir(dir);
      assert.deepEqual(report.uploads, { added: 1, present: 0, invalid: 0 });
      assert.deepEqual(await readHistory(dir), [entry()]);
      assert.deepEqual(await listHistory(dir), await store.journal.listHistory());
      assert.deepEqual(await readdir(sessionsDir(dir)), ['abc123.json']);
      const again = await store.exportStateDir(dir);
      assert.deepEqual([again.uploads.added, again.steps.added, again.sessions.added], [0, 0, 0]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('an import with an invalid record counts it as invalid and keeps the valid ones', async () => {
    const store = await openStore({ schema: freshSchema() });
    const report = await store.importJournal({
      history: [entry(), { videoId: 'no-account' }],
      steps: [{ type: 'step', videoId: 'vid-a', step: 'thumbnail', ok: 'yes', time: 'x' }],
    });
    assert.deepEqual(report.uploads, { added: 1, present: 0, invalid: 1 });
    assert.deepEqual(report.steps, { added: 0, present: 0, invalid: 1 });
  });
});

describe('failures', { timeout: 60_000 }, () => {
  test('a wrong password is stateAuth (exit 3), and neither password appears in the message', async () => {
    const url = server().url.replace(encodeURIComponent(server().password), 'Wr0ng-Secret');
    await assert.rejects(PostgresStateStore.open({ url, schema: freshSchema() }), (e) => {
      assert.ok(isVuploadError(e));
      assert.equal(e.code, 'stateAuth');
      assert.equal(e.exitCode, 3);
      assert.doesNotMatch(`${e.message} ${e.hint}`, new RegExp(`Wr0ng|${server().password}`));
      return true;
    });
  });

  test('the database stopped: stateUnreachable (exit 5); started again: the same store works without reopening', async () => {
    const store = await openStore({ schema: freshSchema() });
    await store.journal.appendUpload(entry());
    await server().pause();
    try {
      await assert.rejects(store.journal.readHistory(), (e) => {
        assert.ok(isVuploadError(e));
        assert.equal(e.code, 'stateUnreachable');
        assert.equal(e.exitCode, 5);
        assert.doesNotMatch(e.message, new RegExp(server().password));
        return true;
      });
    } finally {
      await server().resume();
    }
    assert.equal((await store.journal.readHistory()).length, 1);
  });
});
