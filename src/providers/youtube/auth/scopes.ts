// This file names the OAuth scopes vupload asks for and compares what was asked with what was granted.
import { usageError } from '../../../errors.js';

/** YouTube's scopes (API-NOTES §8). */
export const SCOPES = {
  /** Upload videos and set thumbnails, nothing else. */
  upload: 'https://www.googleapis.com/auth/youtube.upload',
  /** Manage the account: update videos, thumbnails, playlists (not captions). */
  youtube: 'https://www.googleapis.com/auth/youtube',
  /** Everything `youtube` allows, plus captions. */
  forceSsl: 'https://www.googleapis.com/auth/youtube.force-ssl',
} as const;

/** What all of vupload's commands need: upload, update, thumbnails, playlists, captions. */
export const DEFAULT_SCOPES: readonly string[] = [SCOPES.upload, SCOPES.youtube, SCOPES.forceSsl];

/** `--scope upload`: upload (and thumbnails) only. */
export const UPLOAD_ONLY_SCOPES: readonly string[] = [SCOPES.upload];

export type ScopeChoice = 'default' | 'upload';

/** Maps the `--scope` option to the scopes to request; unknown values are a usage error. */
export function scopesFor(given: string | undefined): string[] {
  const choice = given?.trim().toLowerCase();
  if (choice === undefined || choice === 'default' || choice === 'all') return [...DEFAULT_SCOPES];
  if (choice === 'upload') return [...UPLOAD_ONLY_SCOPES];
  throw usageError(
    `unknown scope "${given}": vupload auth login --scope takes upload or all.`,
    'Use vupload auth login --scope upload (uploading only), or vupload auth login (everything).',
  );
}

/** Splits a token answer's space-separated `scope` into a sorted, de-duplicated list. */
export function parseScopes(scope: string | readonly string[] | null | undefined): string[] {
  const parts = typeof scope === 'string' ? scope.split(/\s+/) : [...(scope ?? [])];
  return [...new Set(parts.filter((s) => s.length > 0))].sort();
}

/** The requested scopes the user did not grant (Google lets users untick some; API-NOTES §8). */
export function missingScopes(requested: readonly string[], granted: readonly string[]): string[] {
  const have = new Set(granted);
  return requested.filter((s) => !have.has(s));
}

/** `https://www.googleapis.com/auth/youtube.upload` → `youtube.upload`, for display. */
export function shortScope(scope: string): string {
  const prefix = 'https://www.googleapis.com/auth/';
  return scope.startsWith(prefix) ? scope.slice(prefix.length) : scope;
}

export type Capability = 'upload' | 'thumbnails' | 'update' | 'playlists' | 'captions';

/** Which scopes each kind of call accepts (API-NOTES §8: youtube.upload covers upload and thumbnails only). */
const ACCEPTED: Record<Capability, readonly string[]> = {
  upload: [SCOPES.upload, SCOPES.youtube, SCOPES.forceSsl],
  thumbnails: [SCOPES.upload, SCOPES.youtube, SCOPES.forceSsl],
  update: [SCOPES.youtube, SCOPES.forceSsl],
  playlists: [SCOPES.youtube, SCOPES.forceSsl],
  captions: [SCOPES.forceSsl],
};

/** True when one of `granted` allows `capability`, so a command can say "log in again" before calling the API. */
export function scopesAllow(granted: readonly string[], capability: Capability): boolean {
  return ACCEPTED[capability].some((s) => granted.includes(s));
}
