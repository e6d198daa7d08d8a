// This file connects the auth tests to the sandbox: its client secrets and a scripted "browser" that follows redirects.
import assert from 'node:assert/strict';
import { after } from 'node:test';
import { type ClientSecrets, parseClientSecrets } from '../../src/providers/youtube/auth/client-secrets.js';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../src/sandbox/youtube/index.js';

export async function sandbox(
  options: SandboxOptions = {},
): Promise<{ sb: Sandbox; secrets: ClientSecrets }> {
  const sb = await startSandbox(options);
  after(() => sb.close());
  return {
    sb,
    secrets: parseClientSecrets(JSON.stringify(sb.clientSecrets()), '/sandbox/client_secrets.json'),
  };
}

/** What the consent page sends the browser to: the Location of the authorization endpoint's redirect. */
export async function consent(authUrl: string): Promise<string> {
  const res = await fetch(authUrl, { redirect: 'manual' });
  await res.arrayBuffer();
  assert.ok(
    res.status >= 300 && res.status < 400,
    `the authorization endpoint should redirect, got ${res.status}`,
  );
  const location = res.headers.get('location');
  assert.ok(location, 'redirect without Location');
  return new URL(location, authUrl).toString();
}

/** A fake browser: consents, then follows the redirect to the listener like a real one would. */
export function browser(pages: { status: number; text: string }[] = []) {
  return async (authUrl: string): Promise<void> => {
    const location = await consent(authUrl);
    const res = await fetch(location);
    pages.push({ status: res.status, text: await res.text() });
  };
}
