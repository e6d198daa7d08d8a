// This file is the two-factor code PeerTube checks (helpers/otp.ts with otpauth): TOTP, RFC 6238 — HMAC-SHA1, six
// digits, 30-second steps — accepting the previous and next step too (otpauth's validate({ window: 1 })).
import { createHmac, randomBytes } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const STEP_MS = 30_000;

export function newOtpSecret(): string {
  let bits = '';
  for (const byte of randomBytes(20)) bits += byte.toString(2).padStart(8, '0');
  return Array.from(
    { length: bits.length / 5 },
    (_, i) => BASE32[parseInt(bits.slice(i * 5, i * 5 + 5), 2)],
  ).join('');
}

function decodeBase32(secret: string): Buffer {
  let bits = '';
  for (const c of secret) bits += BASE32.indexOf(c).toString(2).padStart(5, '0');
  return Buffer.from(
    Array.from({ length: Math.floor(bits.length / 8) }, (_, i) => parseInt(bits.slice(i * 8, i * 8 + 8), 2)),
  );
}

/** The code of the 30-second step containing `nowMs`. */
export function totp(secret: string, nowMs: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(nowMs / STEP_MS)));
  const mac = createHmac('sha1', decodeBase32(secret)).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const value = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(value % 1_000_000).padStart(6, '0');
}

export function isOtpValid(secret: string, code: string, nowMs: number): boolean {
  return [-1, 0, 1].some((d) => totp(secret, nowMs + d * STEP_MS) === code);
}
