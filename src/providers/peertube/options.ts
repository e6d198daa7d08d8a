// This file declares the command-line options only the PeerTube provider has (registry.ts adds them to the commands).
import type { ProviderOptions } from '../registry.js';

/** The upload flags of PeerTube's own fields, as commander hands them over (UploadFlags keys besides the shared). */
export interface PeerTubeFlags {
  channel?: string;
  licence?: string;
  language?: string;
  nsfw?: boolean;
  comments?: string;
}

const UPLOAD: NonNullable<ProviderOptions['upload']> = [
  {
    flags: '--channel <name>',
    description: "the channel's name (default: the account's first)",
    group: 'Publishing:',
  },
  {
    flags: '--licence <n>',
    description: 'numeric licence id (GET /api/v1/videos/licences)',
    group: 'Metadata:',
  },
  { flags: '--language <code>', description: "the video's language (e.g. en, fr)", group: 'Metadata:' },
  { flags: '--nsfw', description: 'mark the video as sensitive content', group: 'Audience:' },
  { flags: '--comments <policy>', description: 'enabled or disabled', group: 'Publishing:' },
];

export const peertubeOptions: ProviderOptions = {
  upload: UPLOAD,
  // `vupload update` changes the same fields (the channel too).
  update: UPLOAD,
  login: [
    { flags: '--instance <url>', description: 'the instance (https://…; default $VUPLOAD_PEERTUBE_URL)' },
    { flags: '--username <name>', description: 'the account to log in as' },
    {
      flags: '--password-file <file>',
      description:
        'read the password from this file (readable by you only); else $VUPLOAD_PEERTUBE_PASSWORD or a prompt',
    },
  ],
};
