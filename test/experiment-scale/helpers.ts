/** Helpers for the shared-scale tests: clouds read back from a local store, the exact engine on them. */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { computeProfile } from "../../src/core/profile.js";
import type { PointCloud } from "../../src/core/types.js";
import { parseActivation } from "../../src/io/activation.js";

export async function storedCloud(
  root: string,
  run: string,
  layer: string,
  step: number,
): Promise<PointCloud> {
  const path = join(root, run, "activations", layer, `step_${step}.npy`);
  return parseActivation(new Uint8Array(await readFile(path)), { source: path, format: "npy" });
}

/** t_conv(q = 0.95) of a stored cloud by the exact engine (dense factorisations only). */
export async function exactTConv(root: string, run: string, layer: string, step: number): Promise<number> {
  const profile = computeProfile(await storedCloud(root, run, layer, step), { mode: "exact" });
  return profile.tConv!;
}

/** The exact engine's profile of a stored cloud on [0, T] (default grid: 30 linear scales). */
export async function exactAt(root: string, run: string, layer: string, step: number, T: number) {
  return computeProfile(await storedCloud(root, run, layer, step), { mode: "exact", tMax: T });
}

export async function references(
  root: string,
  run: string,
): Promise<Record<string, Record<string, unknown>>> {
  return JSON.parse(await readFile(join(root, run, "magnitude", "references.json"), "utf8"));
}

/** Every experiment-scale file of a local root, parsed. */
export async function experimentScales(root: string): Promise<Record<string, unknown>[]> {
  const dir = join(root, ".magtrack", "scale");
  const names = (await readdir(dir)).filter((f) => f.endsWith(".json") && !f.startsWith("."));
  return Promise.all(names.map(async (f) => JSON.parse(await readFile(join(dir, f), "utf8"))));
}

/** The relative difference |a − b| / |b|. */
export const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
