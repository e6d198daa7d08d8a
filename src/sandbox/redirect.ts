// This file says which OAuth redirect addresses an emulator accepts from a desktop client: loopback ones only.

/** Google (API-NOTES §8) and Vimeo accept only loopback http redirects for desktop clients. */
export function isLoopbackRedirect(uri: string): boolean {
  try {
    const u = new URL(uri);
    return u.protocol === 'http:' && ['127.0.0.1', '[::1]', 'localhost'].includes(u.hostname);
  } catch {
    return false;
  }
}
