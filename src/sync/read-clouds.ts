/** Steps 4–5 of the flow (read, parse): one activation file → its (layer, point cloud) pairs. */
import type { ActivationRef, RunRef, TrackerAdapter } from "../adapter-kit.js";
import { MagtrackError } from "../core/errors.js";
import type { PointCloud } from "../core/types.js";
import { parseActivation } from "../io/activation.js";
import { dropNonFiniteRows } from "../io/drop-non-finite.js";

/** A layer's cloud from one file, and how many rows --non-finite drop-rows removed from it. */
export type LayerCloud = [layer: string, cloud: PointCloud, rowsDropped: number];

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
  nonFinite: "fail" | "drop-rows",
  signal?: AbortSignal,
): Promise<LayerCloud[]> {
  const bytes = await adapter.readActivation(ref, signal);
  const source = `${run.id}/${ref.path}`;
  const parsed = parseActivation(bytes, {
    source,
    format: ref.format,
    maxBytes: maxFileBytes,
    allowNonFinite: nonFinite === "drop-rows",
    ...(ref.arrayName === undefined ? {} : { arrayName: ref.arrayName }),
  });
  return cloudsOf(parsed, ref).map(([layer, cloud]): LayerCloud => {
    if (nonFinite === "fail") return [layer, cloud, 0];
    const kept = dropNonFiniteRows(`${source} layer "${layer}"`, cloud);
    return [layer, kept.cloud, kept.dropped];
  });
}
