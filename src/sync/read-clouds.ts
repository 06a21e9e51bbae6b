/** Steps 4–5 of the flow (read, parse): one activation file → its (layer, point cloud) pairs. */
import type { ActivationRef, RunRef, TrackerAdapter } from "../adapter-kit.js";
import { MagtrackError } from "../core/errors.js";
import type { PointCloud } from "../core/types.js";
import { parseActivation } from "../io/activation.js";

/** A file with one array belongs to its path's layer; a multi-array file gives one cloud per array. */
export function cloudsOf(
  parsed: PointCloud | Map<string, PointCloud>,
  ref: ActivationRef,
): [string, PointCloud][] {
  if (parsed instanceof Map) {
    if (ref.layer !== "" && ref.arrayName === undefined) {
      const only = [...parsed.values()];
      if (only.length === 1) return [[ref.layer, only[0]!]];
      throw new MagtrackError(
        "format",
        "AMBIGUOUS_ARRAY",
        `${ref.path}: holds ${only.length} arrays; expected one`,
      );
    }
    return [...parsed.entries()].map(([name, cloud]) => [ref.layer === "" ? name : ref.layer, cloud]);
  }
  return [[ref.layer, parsed]];
}

export async function readClouds(
  adapter: TrackerAdapter,
  run: RunRef,
  ref: ActivationRef,
  maxFileBytes: number,
  signal?: AbortSignal,
): Promise<[string, PointCloud][]> {
  const bytes = await adapter.readActivation(ref, signal);
  const parsed = parseActivation(bytes, {
    source: `${run.id}/${ref.path}`,
    format: ref.format,
    maxBytes: maxFileBytes,
    ...(ref.arrayName === undefined ? {} : { arrayName: ref.arrayName }),
  });
  return cloudsOf(parsed, ref);
}
