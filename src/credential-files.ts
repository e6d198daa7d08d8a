// This file is the one rule that credential files are never content: each provider declares where its credentials
// are read from, and confine.ts refuses those files as a video, description, metadata, thumbnail or caption.
import type { Env } from './paths.js';
import { PROVIDERS } from './providers/registry.js';

/** What decides where credentials are read from: the environment, the working directory, `--client-secrets`. */
export interface CredentialPlaces {
  env: Env;
  cwd: string;
  /** The global `--client-secrets FILE` flag, when given. */
  clientSecrets?: string;
}

/** A file (or a folder of them) that holds credentials, and what to call it in a refusal. */
export interface CredentialFile {
  path: string;
  what: string;
}

/**
 * A provider's declaration. `files` are the places it reads credentials from under these settings, whether or not
 * they exist (the file in use and the places it would look); `names` mark a credential file wherever it lies (a
 * downloaded client secret in a watched folder is still a secret).
 */
export interface CredentialFiles {
  files(places: CredentialPlaces): CredentialFile[];
  names: Array<{ pattern: RegExp; what: string }>;
}

/**
 * Every provider's declaration, from its registry line (src/providers/registry.ts): confine.ts keeps those files out
 * of every upload without knowing the provider.
 */
export const CREDENTIAL_FILES: readonly CredentialFiles[] = Object.values(PROVIDERS).map(
  (p) => p.credentials,
);
