/**
 * One entry point for the pipeline: bytes of an activation file → point cloud(s).
 * - .npy, or .npz / .safetensors with `arrayName`: one PointCloud.
 * - .npz / .safetensors without `arrayName`: every array, by name (one file may hold one array
 *   per layer).
 * Every failure is a FormatError (kind "format") whose message starts with `source`.
 */
import { MagtrackError } from "../core/errors.js";
import type { PointCloud } from "../core/types.js";
import type { ReadOptions } from "./activation-options.js";
import { parseNpy } from "./npy.js";
import { parseNpzAll, parseNpzArray } from "./npz.js";
import { parseSafetensorsAll, parseSafetensorsArray } from "./safetensors.js";

export type { ReadOptions } from "./activation-options.js";
export { DEFAULT_MAX_BYTES } from "./activation-options.js";

export interface ParseActivationOptions extends ReadOptions {
  readonly format: "npy" | "npz" | "safetensors";
  /** Array to read from an .npz (entry name without ".npy") or .safetensors file. */
  readonly arrayName?: string;
}

export function parseActivation(
  bytes: Uint8Array,
  opts: ParseActivationOptions & ({ format: "npy" } | { arrayName: string }),
): PointCloud;
export function parseActivation(
  bytes: Uint8Array,
  opts: ParseActivationOptions,
): PointCloud | Map<string, PointCloud>;
export function parseActivation(
  bytes: Uint8Array,
  opts: ParseActivationOptions,
): PointCloud | Map<string, PointCloud> {
  switch (opts.format) {
    case "npy":
      return parseNpy(bytes, opts);
    case "npz":
      return opts.arrayName === undefined
        ? parseNpzAll(bytes, opts)
        : parseNpzArray(bytes, opts.arrayName, opts);
    case "safetensors":
      return opts.arrayName === undefined
        ? parseSafetensorsAll(bytes, opts)
        : parseSafetensorsArray(bytes, opts.arrayName, opts);
    default:
      throw new MagtrackError(
        "usage",
        "BAD_OPTION",
        `${opts.source}: unknown activation format ${JSON.stringify((opts as { format: unknown }).format)}`,
      );
  }
}
