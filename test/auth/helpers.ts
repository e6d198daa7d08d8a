// This file holds small helpers shared by the auth tests: private temp dirs and client secrets written to disk.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
