/**
 * .npz reader: a zip archive with one `<name>.npy` entry per array (numpy's savez /
 * savez_compressed). Reads one named array (inflating only that entry) or all of them; the size
 * cap applies to the decoded float64 output summed over the arrays returned. Entries not ending
 * in ".npy" are ignored, as numpy's own loader does not treat them as arrays.
 */
import type { PointCloud } from "../core/types.js";
import { assertSafeArrayName } from "./activation-name.js";
import { type ReadOptions, resolveMaxBytes } from "./activation-options.js";
import { OUTPUT_ITEM_BYTES } from "./activation-shape.js";
import { FormatError } from "./format-error.js";
import { MAX_NPY_HEADER_BYTES, parseNpy } from "./npy.js";
import { extractEntry } from "./npz-inflate.js";
import { readZipDirectory, type ZipEntry } from "./npz-zip.js";

/** Magic, version, length field: the .npy bytes before the header text. */
const NPY_PREAMBLE_MAX = 12;

function arrayEntries(bytes: Uint8Array, source: string): Map<string, ZipEntry> {
  const arrays = new Map<string, ZipEntry>();
  for (const entry of readZipDirectory(bytes, source)) {
    if (entry.name.endsWith(".npy")) arrays.set(entry.name.slice(0, -4), entry);
  }
  return arrays;
}

function listNames(names: Iterable<string>): string {
  const all = [...names];
  const shown = all.slice(0, 10).map((n) => `'${n}'`);
  return all.length === 0 ? "none" : shown.join(", ") + (all.length > 10 ? `, … (${all.length} in all)` : "");
}

function readOne(
  bytes: Uint8Array,
  name: string,
  entry: ZipEntry,
  opts: ReadOptions,
  budget: number,
): PointCloud {
  // Raw .npy bytes never exceed header + count·itemsize ≤ header + count·8 = header + output bytes.
  const rawCap = budget + MAX_NPY_HEADER_BYTES + NPY_PREAMBLE_MAX;
  const raw = extractEntry(bytes, entry, rawCap, opts.source);
  // Errors inside the entry name both the file and the entry: "acts.npz[layer1.npy]: …".
  return parseNpy(raw, {
    ...opts,
    source: `${opts.source}[${entry.name}]`,
    maxBytes: budget,
    what: `array '${name}'`,
  });
}

export function listNpzArrays(bytes: Uint8Array, source: string): string[] {
  return [...arrayEntries(bytes, source).keys()];
}

export function parseNpzArray(bytes: Uint8Array, name: string, opts: ReadOptions): PointCloud {
  const arrays = arrayEntries(bytes, opts.source);
  const key = name.endsWith(".npy") && !arrays.has(name) ? name.slice(0, -4) : name;
  const entry = arrays.get(key);
  if (entry === undefined) {
    throw new FormatError(
      opts.source,
      "NOT_FOUND_IN_ARCHIVE",
      `no array '${name}' in the .npz (arrays: ${listNames(arrays.keys())})`,
    );
  }
  return readOne(bytes, key, entry, opts, resolveMaxBytes(opts));
}

export function parseNpzAll(bytes: Uint8Array, opts: ReadOptions): Map<string, PointCloud> {
  const arrays = arrayEntries(bytes, opts.source);
  if (arrays.size === 0) {
    throw new FormatError(opts.source, "NOT_FOUND_IN_ARCHIVE", ".npz archive holds no .npy arrays");
  }
  for (const name of arrays.keys()) assertSafeArrayName(opts.source, name);
  let budget = resolveMaxBytes(opts);
  const out = new Map<string, PointCloud>();
  for (const [name, entry] of arrays) {
    const cloud = readOne(bytes, name, entry, opts, budget);
    budget -= cloud.data.length * OUTPUT_ITEM_BYTES;
    out.set(name, cloud);
  }
  return out;
}
