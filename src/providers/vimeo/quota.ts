// This file is Vimeo's quota: the account's upload_quota (GET /me?fields=upload_quota, api.yaml `user`), its total
// space ("lifetime") and weekly allowance ("periodic"), checked before a video is created and shown by `vupload quota`.
import { formatBytes } from '../../cli/format.js';
import { ExitCode, VuploadError } from '../../errors.js';
import type { ProviderSession, QuotaModel, Request, UploadPlan } from '../contract.js';
import type { VimeoApi } from './api.js';
import { apiOf, openVimeo } from './session.js';

interface Allowance {
  free: number | null;
  max: number | null;
  used: number | null;
  reset_date?: string | null;
}

export interface UploadQuota {
  lifetime: Allowance;
  periodic: Allowance;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function allowance(value: unknown): Allowance {
  const a = (value ?? {}) as Record<string, unknown>;
  return {
    free: num(a.free),
    max: num(a.max),
    used: num(a.used),
    ...(a.reset_date !== undefined
      ? { reset_date: typeof a.reset_date === 'string' ? a.reset_date : null }
      : {}),
  };
}

export async function readQuota(api: VimeoApi): Promise<UploadQuota> {
  const me = await api.get('/me', { query: { fields: 'upload_quota' }, action: 'tell the upload quota' });
  const q = (me.upload_quota ?? {}) as Record<string, unknown>;
  return { lifetime: allowance(q.lifetime), periodic: allowance(q.periodic) };
}

/** Which allowance `size` bytes do not fit in, with the numbers; undefined when it fits (null: no such limit). */
export function quotaShortfall(q: UploadQuota, size: number): string | undefined {
  const bytes = (n: number | null) => (n === null ? '?' : `${formatBytes(n)} (${n} bytes)`);
  const over = (a: Allowance, what: string) =>
    a.free !== null && size > a.free
      ? `the video, ${bytes(size)}, does not fit in the ${what}: ${bytes(a.free)} free of ${bytes(a.max)}, ` +
        `${bytes(a.used)} used${a.reset_date ? `; it resets at ${a.reset_date}` : ''}`
      : undefined;
  return over(q.lifetime, "account's total space") ?? over(q.periodic, 'allowance of this period');
}

async function check(
  plan: UploadPlan,
  run: Request & { session(): Promise<ProviderSession> },
): Promise<void> {
  const quota = await readQuota(apiOf(await run.session()));
  const short = quotaShortfall(quota, plan.size);
  if (short)
    throw new VuploadError(
      'quotaExceeded',
      ExitCode.quota,
      `Vimeo's upload quota: ${short}. Nothing was sent.`,
      {
        hint: 'See `vupload quota --provider vimeo`; free space on Vimeo, or wait for the allowance to reset.',
      },
    );
}

async function show(req: Request): Promise<void> {
  const { globals, out } = req;
  const session = await openVimeo(req);
  const quota = await readQuota(session.api);
  if (globals.json) {
    out.resultJson({ profile: globals.profile, provider: 'vimeo', ...quota });
    return;
  }
  const line = (what: string, a: Allowance) =>
    a.max === null && a.free === null
      ? `${what}: no limit`
      : `${what}: ${a.used === null ? '?' : formatBytes(a.used)} used, ${a.free === null ? 'no limit' : `${formatBytes(a.free)} free`} of ${a.max === null ? 'no limit' : formatBytes(a.max)}${a.reset_date ? `; resets ${a.reset_date}` : ''}`;
  out.result(
    [
      `profile: ${globals.profile} (Vimeo)`,
      line('total space', quota.lifetime),
      line('this period', quota.periodic),
    ].join('\n'),
  );
}

export const vimeoQuota: QuotaModel = { kind: 'server', check, show };
