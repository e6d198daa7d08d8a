// This file declares where PeerTube credentials are read from, for the rule that they are never content
// (src/credential-files.ts): the logins' folder, and the password file each login was read from.

import { readdirSync } from 'node:fs';
import type { CredentialFiles } from '../../credential-files.js';
import { configDir } from '../../paths.js';
import { peekPeerTubeToken, peertubeTokensDir } from './tokens.js';

/** The password files the saved logins were made with (each login keeps the path, never the password). */
function passwordFiles(config: string): string[] {
  let names: string[];
  try {
    names = readdirSync(peertubeTokensDir(config));
  } catch {
    return [];
  }
  return names
    .filter((n) => /^[A-Za-z0-9._-]+\.json$/.test(n))
    .flatMap((n) => peekPeerTubeToken(config, n.slice(0, -5))?.password_file ?? []);
}

export const peertubeCredentialFiles: CredentialFiles = {
  files: ({ env }) => {
    const config = configDir(env);
    return [
      { path: peertubeTokensDir(config), what: "the PeerTube logins' folder" },
      ...passwordFiles(config).map((path) => ({ path, what: 'the password file of a PeerTube login' })),
    ];
  },
  names: [],
};
