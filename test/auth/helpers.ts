// This file holds small helpers shared by the auth tests: private temp dirs, client secrets on disk, the secrets hint.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { after } from 'node:test';
import type { ClientSecrets } from '../../src/providers/youtube/auth/client-secrets.js';

/** A fresh directory, removed when the test file ends. */
export async function tempDir(prefix = 'vupload-auth-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export async function writeJson(file: string, value: unknown): Promise<string> {
  await writeFile(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

/** Secrets pointing at an unreachable local issuer; for tests that never talk to a token endpoint. */
export function offlineSecrets(overrides: Partial<ClientSecrets> = {}): ClientSecrets {
  return {
    clientId: 'test-client.apps.googleusercontent.com',
    clientSecret: 'test-secret',
    authUri: 'http://127.0.0.1:9/auth',
    tokenUri: 'http://127.0.0.1:9/token',
    revokeUri: 'http://127.0.0.1:9/revoke',
    redirectUris: ['http://localhost'],
    shape: 'installed',
    path: '/nowhere/client_secrets.json',
    ...overrides,
  };
}

/**
 * The hint of a client secrets error: the docs on this machine (a file that exists, not `README.md#…` relative to
 * nowhere) and its section, and the sandbox for trying vupload without any (issue 27, item 8).
 */
export function assertSecretsHint(hint: string | undefined): void {
  const page = /How to get one: (.+), section "Getting a client_secrets\.json"\./.exec(hint ?? '')?.[1];
  assert.ok(page !== undefined, `the hint names the page and its section: ${hint}`);
  assert.ok(isAbsolute(page) && existsSync(page), `${page} exists`);
  assert.match(readFileSync(page, 'utf8'), /^## Getting a client_secrets\.json$/m);
  assert.match(hint ?? '', /without a Google account: vupload sandbox/);
}
