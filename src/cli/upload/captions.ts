// This file parses `--caption FILE[:LANG]`, the same for every provider that takes caption tracks.
import { usageError } from '../../errors.js';

/** A BCP 47 language tag as platforms take them: `en`, `pt-BR`, `zh-Hant`, `es-419`. */
const LANGUAGE_TAG = /^[A-Za-z]{2,3}(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|\d{3}))?(?:-[A-Za-z0-9]{5,8})*$/;

export function isLanguageTag(text: string): boolean {
  return LANGUAGE_TAG.test(text);
}

const CAPTION_EXT = /\.([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)\.(srt|vtt|sbv|sub|ttml|dfxp|scc|cap|txt)$/i;

/**
 * `subs.srt:fr` → { path: 'subs.srt', language: 'fr' }. Without `:LANG` the language comes from a name like
 * `talk.en.srt`; otherwise a usage error. Only a suffix that is a language code is split off, so `C:\x.srt` stays whole.
 */
export function parseCaptionArg(arg: string, flag = '--caption'): { path: string; language: string } {
  const colon = arg.lastIndexOf(':');
  if (colon > 0) {
    const language = arg.slice(colon + 1);
    if (isLanguageTag(language)) return { path: arg.slice(0, colon), language };
  }
  const fromName = CAPTION_EXT.exec(arg)?.[1];
  if (fromName && isLanguageTag(fromName)) return { path: arg, language: fromName };
  throw usageError(`${flag} ${arg}: which language is it? Write FILE:LANG, e.g. ${arg}:en.`);
}
