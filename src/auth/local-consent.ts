// This file finishes a login at an authorization server on this machine (the sandbox) without a browser.

/** 127.0.0.0/8, ::1 and localhost: an authorization server there is the sandbox (or another local emulator). */
export function isLocalAuthServer(authUri: string): boolean {
  if (!URL.canParse(authUri)) return false;
  const host = new URL(authUri).hostname;
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Does what the browser does with a consent page that consents at once: follows its redirect to vupload's own
 * listener. Used only for a local authorization server (isLocalAuthServer): Google's consent page needs a person,
 * and its address is never on 127.0.0.1, so this can never act for a user at Google.
 */
export async function followLocalConsent(authUrl: string, redirectUri: string): Promise<void> {
  if (!isLocalAuthServer(authUrl)) throw new Error('the authorization server is not on this machine');
  const answer = await fetch(authUrl, { redirect: 'manual', signal: AbortSignal.timeout(15_000) });
  await answer.arrayBuffer();
  const location = answer.headers.get('location');
  if (answer.status < 300 || answer.status >= 400 || !location) {
    throw new Error(`the authorization server answered HTTP ${answer.status}, not a redirect`);
  }
  const target = new URL(location, authUrl);
  if (target.origin !== new URL(redirectUri).origin) {
    throw new Error('the authorization server redirected somewhere other than the login listener');
  }
  await (await fetch(target, { signal: AbortSignal.timeout(15_000) })).arrayBuffer();
}
