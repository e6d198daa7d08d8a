// This file reads the quota ledger's JSON, telling its valid entries from corrupt ones (pure).

export interface QuotaDay {
  spent: number;
  /** YouTube answered quotaExceeded: the rest of the day counts as spent whatever the ledger says. */
  exhausted?: boolean;
}

export interface LedgerData {
  version: 1;
  /** account → Pacific day (YYYY-MM-DD) → usage. */
  accounts: Record<string, Record<string, QuotaDay>>;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The ledger in `text` (pure), and what is wrong with it. A corrupt day (spent not a number >= 0, exhausted not a
 * boolean) or a corrupt file is unknown, and unknown counts as 0 units spent, not exhausted: the ledger is vupload's
 * own estimate, YouTube holds the real count, and a guess of "spent" would stop every upload until midnight for a
 * broken file. What YouTube says wins anyway: its quotaExceeded answer marks the day exhausted.
 */
export function parseLedger(text: string): { data: LedgerData; problems: string[] } {
  const data: LedgerData = { version: 1, accounts: {} };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { data, problems: ['not JSON'] };
  }
  if (!isRecord(raw) || raw.version !== 1 || !isRecord(raw.accounts)) {
    return { data, problems: ['not a version 1 ledger'] };
  }
  const problems: string[] = [];
  for (const [account, days] of Object.entries(raw.accounts)) {
    if (!isRecord(days)) {
      problems.push(`the entry of ${account} is ${shortJson(days)}`);
      continue;
    }
    const clean: Record<string, QuotaDay> = {};
    for (const [day, usage] of Object.entries(days)) {
      const { spent, exhausted } = isRecord(usage) ? usage : ({} as Record<string, unknown>);
      const spentOk = typeof spent === 'number' && Number.isFinite(spent) && spent >= 0;
      const exhaustedOk = exhausted === undefined || typeof exhausted === 'boolean';
      if (!spentOk || !exhaustedOk) problems.push(`${account} on ${day} is ${shortJson(usage)}`);
      clean[day] = { spent: spentOk ? spent : 0, ...(exhausted === true ? { exhausted: true } : {}) };
    }
    data.accounts[account] = clean;
  }
  return { data, problems };
}

function shortJson(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
