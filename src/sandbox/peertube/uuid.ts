// This file converts between PeerTube's UUIDs and short UUIDs and reads the {id|uuid|shortUUID} of a route.
//
// PeerTube's uuidToShort() is short-uuid's default translator (packages/node-utils/src/uuid.ts): the UUID's 128 bits
// written in flickrBase58, padded to 22 characters with the alphabet's first one.
import { randomUUID } from 'node:crypto';

const ALPHABET = '123456789abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ';
const BASE = BigInt(ALPHABET.length);
const SHORT_LENGTH = 22;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

export const newUuid = (): string => randomUUID();

export function uuidToShort(uuid: string): string {
  let n = BigInt(`0x${uuid.replace(/-/g, '')}`);
  let out = '';
  while (n > 0n) {
    out = ALPHABET[Number(n % BASE)] + out;
    n /= BASE;
  }
  return out.padStart(SHORT_LENGTH, ALPHABET[0]);
}

/** The UUID of a short UUID, or undefined when it is not one (a character outside the alphabet, or too big). */
export function shortToUuid(short: string): string | undefined {
  let n = 0n;
  for (const c of short) {
    const digit = ALPHABET.indexOf(c);
    if (digit < 0) return undefined;
    n = n * BASE + BigInt(digit);
  }
  const hex = n.toString(16);
  if (hex.length > 32) return undefined;
  const h = hex.padStart(32, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const isUuidV4 = (value: string): boolean => UUID_V4.test(value);

/**
 * A route's video or playlist id as PeerTube's isValidVideoIdParam() sees it: toCompleteUUID() turns a 22-character
 * short UUID into its UUID, then it must be an integer or a v4 UUID. Undefined: not a valid id (400).
 */
export function parseIdParam(value: string): { id: number } | { uuid: string } | undefined {
  if (/^[-+]?\d+$/.test(value)) return { id: Number(value) };
  const uuid = value.length === SHORT_LENGTH ? shortToUuid(value) : value;
  return uuid && isUuidV4(uuid) ? { uuid: uuid.toLowerCase() } : undefined;
}
