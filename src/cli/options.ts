// This file parses option values that commander hands over as strings, with errors that name the flag.
import { usageError } from '../errors.js';

export function parseIntegerOption(flag: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value)) {
    throw usageError(`${flag}: "${raw}" is not a whole number.`, `Give a number from ${min} to ${max}.`);
  }
  if (value < min || value > max) {
    throw usageError(`${flag}: ${value} is out of range.`, `Give a number from ${min} to ${max}.`);
  }
  return value;
}
