// This file parses option values that commander hands over as strings, with errors that name the flag.
import { usageError } from '../errors.js';

/**
 * An enumerated value in any case (`--privacy Public`) as vupload spells it (`public`); anything else is returned
 * unchanged, for the check that follows to refuse it by name.
 */
export function canonicalChoice<T extends string>(value: string, choices: readonly T[]): T | string {
  const wanted = value.trim().toLowerCase();
  return choices.find((choice) => choice.toLowerCase() === wanted) ?? value;
}

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

/** A share from 0 to 1 (e.g. `0.25`). */
export function parseShareOption(flag: string, raw: string): number {
  const value = Number(raw);
  if (!/^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(raw) || !(value >= 0 && value <= 1)) {
    throw usageError(`${flag}: "${raw}" is not a share from 0 to 1.`, 'Give a number such as 0, 0.25 or 1.');
  }
  return value;
}
