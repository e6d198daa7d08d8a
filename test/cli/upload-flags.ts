// This file lists the upload command's flags, and a value each can take in a dry run, for tests that walk them all.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Option } from 'commander';
import { buildProgram } from '../../src/cli/program.js';
import { fixture } from '../helpers/paths.js';

/** A value each option can take in a dry run; options without a value are given as they are. */
export function sampleValue(dir: string, long: string): string[] {
  const values: Record<string, string> = {
    '--title': 'A title',
    '--description': 'A description',
    '--description-file': join(dir, 'description.txt'),
    '--category': '22',
    '--keywords': 'ab,cd',
    '--tags': 'ab,cd',
    '--privacyStatus': 'unlisted',
    '--privacy': 'unlisted',
    '--publish-at': '2099-01-01T00:00:00Z',
    '--license': 'creativeCommon',
    '--default-language': 'en',
    '--default-audio-language': 'en',
    '--recording-date': '2024-01-01',
    '--localization': 'fr:Titre',
    '--metadata': join(dir, 'metadata.json'),
    '--thumbnail': fixture('thumbnail.jpg'),
    '--playlist': 'Talks',
    '--caption': `${join(dir, 'captions.srt')}:en`,
    '--chunk-size': '1M',
    '--limit-rate': '2M',
    '--retries': '3',
    '--time-budget': '600',
    '--quota': '5000',
    '--on-quota': 'wait',
    '--move-to': join(dir, 'done'),
    '--log-file': join(dir, 'upload.log'),
    '--concurrency': '2',
    '--channel': 'sandbox_channel',
    '--licence': '1',
    '--language': 'en',
    '--comments': 'disabled',
    '--folder': 'Talks',
  };
  // --create-folder says what to do with --folder: alone it is a usage error (exit 2) wherever it is honoured.
  if (long === '--create-folder') return [long, '--folder', 'Talks'];
  if (long === '--create-playlist') return [long, '--playlist', 'Talks'];
  // Vimeo's --password-file is the password of --privacy password, and only that.
  if (long === '--password-file') return [long, join(dir, 'password.txt'), '--privacy', 'password'];
  const value = values[long];
  if (value === undefined) return [long];
  // --localization needs the language of the title it translates.
  return long === '--localization' ? [long, value, '--default-language', 'en'] : [long, value];
}

/** Every option of `upload` but the file, --dry-run and --help. */
export async function uploadOptions(): Promise<Option[]> {
  const program = await buildProgram({} as never);
  const upload = program.commands.find((c) => c.name() === 'upload')!;
  return upload.options.filter((o) => o.long && !['--file', '--dry-run', '--help'].includes(o.long));
}

/** The files sampleValue names, written in `dir`. */
export async function writeSampleFiles(dir: string): Promise<void> {
  await writeFile(join(dir, 'description.txt'), 'From a file');
  await writeFile(join(dir, 'metadata.json'), JSON.stringify({ snippet: { description: 'meta' } }));
  await writeFile(join(dir, 'captions.srt'), '1\n00:00:00,000 --> 00:00:01,000\nHi\n');
  await writeFile(join(dir, 'password.txt'), 'secret\n', { mode: 0o600 });
}
