/**
 * Extract one zip entry with hard limits, so a zip bomb is refused before it costs memory:
 *  1. declared size above `maxSize` → TOO_LARGE (nothing allocated);
 *  2. declared ratio uncompressed/compressed above MAX_COMPRESSION_RATIO for an entry over
 *     RATIO_GRACE_BYTES → ZIP_BOMB (deflate cannot exceed ~1032:1; real activations compress
 *     far less; an all-zero multi-megabyte array is useless as a point cloud anyway);
 *  3. while inflating (fflate streaming, 64 KiB input chunks so one push yields ≤ ~66 MB), output
 *     beyond the declared size → ZIP_BOMB; at the end, output ≠ declared or CRC-32 wrong → BAD_ZIP.
 */
import { Inflate } from "fflate";
import { FormatError } from "./format-error.js";
import { crc32 } from "./npz-crc32.js";
import type { ZipEntry } from "./npz-zip.js";

export const MAX_COMPRESSION_RATIO = 100;
export const RATIO_GRACE_BYTES = 1 << 20;
const INPUT_CHUNK = 1 << 16;

export function extractEntry(
  bytes: Uint8Array,
  entry: ZipEntry,
  maxSize: number,
  source: string,
): Uint8Array {
  const declared = entry.uncompressedSize;
  const label = `zip entry '${entry.name}'`;
  if (declared > maxSize) {
    throw new FormatError(
      source,
      "TOO_LARGE",
      `${label} declares ${declared} bytes, over the size cap (${maxSize} bytes allowed here; raise the cap to read it)`,
    );
  }
  if (declared > RATIO_GRACE_BYTES && declared > MAX_COMPRESSION_RATIO * entry.compressedSize) {
    throw new FormatError(
      source,
      "ZIP_BOMB",
      `${label} would inflate ${entry.compressedSize} bytes to ${declared} (ratio over ${MAX_COMPRESSION_RATIO}:1)`,
    );
  }
  const compressed = bytes.subarray(entry.dataStart, entry.dataEnd);
  let out: Uint8Array;
  if (entry.method === 0) {
    out = compressed;
  } else {
    out = new Uint8Array(declared);
    let written = 0;
    let ended = false;
    const inflater = new Inflate((chunk, final) => {
      if (written + chunk.length > declared) {
        throw new FormatError(source, "ZIP_BOMB", `${label} inflates beyond its declared ${declared} bytes`);
      }
      out.set(chunk, written);
      written += chunk.length;
      if (final) ended = true;
    });
    try {
      for (let i = 0; i < compressed.length || i === 0; i += INPUT_CHUNK) {
        const end = Math.min(i + INPUT_CHUNK, compressed.length);
        inflater.push(compressed.subarray(i, end), end >= compressed.length);
      }
    } catch (cause) {
      if (cause instanceof FormatError) throw cause;
      throw new FormatError(source, "BAD_ZIP", `${label} is not valid deflate data`, { cause });
    }
    if (!ended || written !== declared) {
      throw new FormatError(
        source,
        "BAD_ZIP",
        `${label} inflated to ${written} bytes, its header says ${declared}`,
      );
    }
  }
  if (crc32(out) !== entry.crc) throw new FormatError(source, "BAD_ZIP", `${label} fails its CRC-32 check`);
  return out;
}
