// This file is the Youku emulator's state, shared by every handler: options, tokens, uploads, videos, faults, log.
import { randomBytes } from 'node:crypto';
import { YoukuFaultQueue } from './faults.js';
import type { YoukuRequestLogEntry, YoukuSandboxClient } from './types.js';

export interface YoukuResolved {
  accessTokenTtlSec: number;
  confirmDelayChecks: number;
  sliceLengthKb?: number;
  uploadTokenTtlMs: number;
  clients: YoukuSandboxClient[];
  reportedServerIp: string;
}

export interface TokenRec {
  kind: 'access' | 'refresh';
  clientId: string;
  expiresAt?: number;
}

export interface SliceTask {
  id: number;
  offset: number;
  length: number;
}

export interface UploadRec {
  token: string;
  videoId: string;
  clientId: string;
  title: string;
  tags: string;
  description: string;
  category?: string;
  copyrightType: string;
  publicType: string;
  fileName: string;
  fileSize: number;
  fileMd5: string;
  expiresAt: number;
  cancelled: boolean;
  /** Set by create_file. */
  sliceLength?: number;
  ext?: string;
  /** Path of the media file under <dir>/media. */
  file: string;
  /** Next byte no task covers yet. */
  nextOffset: number;
  nextTaskId: number;
  /** Tasks handed out whose slice has not arrived. */
  open: Map<number, SliceTask>;
  /** Offsets of slices that arrived with a matching hash → their length. */
  received: Map<number, number>;
  /** Tasks whose slice arrived, with its hash (a retried slice whose answer was lost is accepted again). */
  done: Map<number, { offset: number; hash: string }>;
  receivedBytes: number;
  /** check calls answered since every slice arrived. */
  confirmChecks: number;
  /** MD5 of the stored media, once every slice arrived. */
  md5?: string;
  committedId?: string;
}

export interface VideoRec {
  id: string;
  upload: UploadRec;
  created: number;
}

export class YoukuCore {
  url = '';
  readonly faults = new YoukuFaultQueue();
  readonly requests: YoukuRequestLogEntry[] = [];
  readonly tokens = new Map<string, TokenRec>();
  readonly codes = new Map<string, { clientId: string; redirectUri: string; expiresAt: number }>();
  readonly uploads = new Map<string, UploadRec>();
  readonly videos = new Map<string, VideoRec>();

  constructor(
    readonly opts: YoukuResolved,
    readonly dir: string,
    readonly now: () => number,
  ) {}

  client(clientId: string | undefined): YoukuSandboxClient | undefined {
    return this.opts.clients.find((c) => c.clientId === clientId);
  }

  /** Issues an access + refresh token pair for `clientId`. */
  issue(clientId: string, ttlSec = this.opts.accessTokenTtlSec, refresh?: string) {
    const refreshToken = refresh ?? `yk-refresh-${randomId(32)}`;
    if (!refresh) this.tokens.set(refreshToken, { kind: 'refresh', clientId });
    const access = `yk-access-${randomId(32)}`;
    this.tokens.set(access, { kind: 'access', clientId, expiresAt: this.now() + ttlSec * 1000 });
    return {
      access_token: access,
      refresh_token: refreshToken,
      expires_in: ttlSec,
      token_type: 'bearer' as const,
    };
  }
}

export function randomId(length: number): string {
  return randomBytes(length).toString('base64url').slice(0, length);
}

/** Youku video ids look like 'XNDY5Njc0MTA4' (base64 of "X" + a number); ours keep that shape. */
export function videoIdFor(n: number): string {
  return `X${Buffer.from(String(n)).toString('base64').replace(/=+$/, '')}`;
}
