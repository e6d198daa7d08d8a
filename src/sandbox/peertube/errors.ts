// This file builds PeerTube's error answers: RFC 7807 problem documents as res.fail() writes them
// (server/core/middlewares/error.ts with http-problem-details), and express-validator's 'invalid-params'.
import { STATUS_CODES } from 'node:http';
import { ERRORS_DOC } from './constants.js';

export interface FailOptions {
  /** PeerTube's error code (ServerErrorCode or an OAuth error name): becomes `code` and the `type` URL. */
  type?: string;
  /** Extra members (res.fail's `data`), e.g. 'invalid-params'. */
  data?: Record<string, unknown>;
  /** The request URL (validation errors carry it). */
  instance?: string;
  headers?: Record<string, string>;
}

export class PtError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly opts: FailOptions = {},
  ) {
    super(message);
  }

  /**
   * The document, members in PeerTube's order. Without a code the type is 'about:blank' and the title the status
   * text; with one, `type` is a docs URL and there is no title (ProblemDocument sets a title only for about:blank).
   */
  body(docs?: string): Record<string, unknown> {
    const { type, data, instance } = this.opts;
    return {
      type: type ? `${ERRORS_DOC}${type}` : 'about:blank',
      title: type ? undefined : STATUS_CODES[this.status],
      detail: this.message || undefined,
      instance,
      status: this.status,
      ...data,
      docs,
      code: type,
    };
  }
}

export type ParamLocation = 'body' | 'params' | 'query' | 'headers';

export interface ParamError {
  location: ParamLocation;
  path: string;
  /** The value as the validator saw it (after sanitizers); undefined when absent. */
  value: unknown;
  msg: string;
}

/** express-validator's failure: 400 "Incorrect request parameters: a, b" with the first error of each field. */
export function invalidParams(errors: ParamError[], instance: string): PtError {
  const mapped: Record<string, unknown> = {};
  for (const e of errors) {
    if (!(e.path in mapped))
      mapped[e.path] = { type: 'field', value: e.value, msg: e.msg, path: e.path, location: e.location };
  }
  return new PtError(400, `Incorrect request parameters: ${Object.keys(mapped).join(', ')}`, {
    instance,
    data: { 'invalid-params': mapped },
  });
}

export const notFound = (what: string): PtError => new PtError(404, `${what} not found`);
