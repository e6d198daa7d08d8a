// This file reads the metadata files a user may name (`--description-file`, `--metadata FILE.json`) with clear errors.
import { readFile } from 'node:fs/promises';
import { usageError } from '../../errors.js';
import { parseMetadataFile } from './metadata-file.js';
import type { VideoResource } from './resource.js';

type ReadText = (path: string) => Promise<string>;
const readUtf8: ReadText = (path) => readFile(path, 'utf8');

async function readOrFail(path: string, flag: string, read: ReadText): Promise<string> {
  try {
    return await read(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : `cannot be read (${code})`;
    throw usageError(`${flag} ${path}: ${why}.`);
  }
}

/**
 * The description from a UTF-8 text file: a leading byte-order mark and trailing blank lines are dropped (editors
 * add a final newline nobody means as part of the description). Set `flags.description` to the flag name.
 */
export async function readDescriptionFile(
  path: string,
  flag = '--description-file',
  read = readUtf8,
): Promise<string> {
  const text = await readOrFail(path, flag, read);
  return text.replace(/^\uFEFF/, '').replace(/\s+$/, '');
}

/** The partial video resource of `--metadata FILE.json`, checked by parseMetadataFile. */
export async function readMetadataFile(
  path: string,
  flag = '--metadata',
  read = readUtf8,
): Promise<VideoResource> {
  const text = await readOrFail(path, flag, read);
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw usageError(`${flag} ${path}: not valid JSON (${(error as Error).message}).`);
  }
  return parseMetadataFile(value, path);
}
