// This file turns a lock's text key into the 64-bit number PostgreSQL's advisory locks take.
import { createHash } from 'node:crypto';

/**
 * The first 8 bytes of SHA-256(`key`) as a signed 64-bit integer, in decimal text (a JS number would lose bits;
 * the SQL casts it with `$1::bigint`). Distinct keys colliding is a 2^-64 event, and would only make two unrelated
 * files wait for each other.
 */
export function advisoryKey(key: string): string {
  return createHash('sha256').update(key).digest().readBigInt64BE(0).toString();
}

/** How pg_locks shows a bigint advisory key: classid = high 32 bits, objid = low 32 bits, objsubid = 1. */
export function advisoryKeyParts(key: string): { classid: string; objid: string } {
  const value = BigInt.asUintN(64, BigInt(key));
  return { classid: (value >> 32n).toString(), objid: (value & 0xffffffffn).toString() };
}
