// This file declares what the Vimeo provider adds to the command line (its own options, loaded with the CLI: keep it
// light) and the constants of Vimeo's API that every part of the provider shares.
import type { ProviderOptions } from '../registry.js';

/** Vimeo's API root (developer.vimeo.com/api/reference); VUPLOAD_VIMEO_API_URL or --api-url replaces it. */
export const VIMEO_API_URL = 'https://api.vimeo.com';

/** Every request asks for API 3.4, as Vimeo's own libraries do (vimeo.py, vimeo.js: `version=3.4`). */
export const VIMEO_ACCEPT = 'application/vnd.vimeo.*+json;version=3.4';

/** `--privacy` values: Vimeo's `privacy.view` (api.yaml `video.privacy.view`), as the issue lists them. */
export const VIMEO_VIEWS = ['anybody', 'nobody', 'unlisted', 'password', 'disable'] as const;
export type VimeoView = (typeof VIMEO_VIEWS)[number];

/** YouTube's words for the same two settings, accepted so a script can switch providers without rewriting them. */
export const VIEW_ALIASES: Readonly<Record<string, VimeoView>> = { public: 'anybody', private: 'nobody' };

/**
 * The scopes a login asks for: reading the account (public, private), uploading, editing the video and its
 * pictures and text tracks (edit), folders and showcases (create, interact), and deleting an empty video an
 * interrupted upload left (delete).
 */
export const VIMEO_SCOPES = ['public', 'private', 'upload', 'edit', 'create', 'interact', 'delete'];

const passwordFile = {
  flags: '--password-file <file>',
  description: 'the video password for --privacy password, read from a file only you can read',
  group: 'Publishing:',
};

/** Options only Vimeo has (src/providers/registry.ts lists them; commander adds each once). */
export const vimeoOptions: ProviderOptions = {
  upload: [
    {
      flags: '--folder <name>',
      description: 'put the video in this folder (a project)',
      group: 'After upload:',
    },
    {
      flags: '--create-folder',
      description: 'create the --folder if there is none of that name',
      group: 'After upload:',
    },
    passwordFile,
  ],
  update: [passwordFile],
  login: [
    {
      flags: '--token-file <file>',
      description: 'log in with a personal access token read from this file',
    },
  ],
  import: [{ flags: '--token-file <file>', description: 'a personal access token, in this file' }],
};
