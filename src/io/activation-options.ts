import { MagtrackError } from "../core/errors.js";

/** Options shared by every activation reader. */
export interface ReadOptions {
  /** Label naming the file in every error message (artifact path, file name). */
  readonly source: string;
  /** Cap on the decoded float64 output in bytes (sum over all arrays returned). */
  readonly maxBytes?: number;
  /** Accept NaN / ±Inf values instead of refusing the file. */
  readonly allowNonFinite?: boolean;
}

/** 2 GiB of decoded float64 output (2^28 values); the CLI exposes a flag to raise it. */
export const DEFAULT_MAX_BYTES = 2 ** 31;

export function resolveMaxBytes(opts: ReadOptions): number {
  const cap = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!Number.isSafeInteger(cap) || cap < 0) {
    throw new MagtrackError(
      "usage",
      "BAD_OPTION",
      `${opts.source}: maxBytes must be a non-negative integer, got ${cap}`,
    );
  }
  return cap;
}
