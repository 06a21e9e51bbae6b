/**
 * .npy reader (format versions 1.0, 2.0, 3.0). Layout:
 *   "\x93NUMPY" major minor | header length (uint16 LE for 1.0, uint32 LE for 2.0/3.0)
 *   | header text (latin-1 for 1.x/2.x, utf-8 for 3.0) | data
 * Data holds exactly prod(shape) · itemsize bytes, C or Fortran order; anything else is refused.
 */
import type { PointCloud } from "../core/types.js";
import { assertFinite } from "./activation-finite.js";
import { type ReadOptions, resolveMaxBytes } from "./activation-options.js";
import { allocateValues, cloudShape, formatShape, fortranToC } from "./activation-shape.js";
import { decodeElements } from "./dtype.js";
import { FormatError } from "./format-error.js";
import { npyElementType } from "./npy-dtype.js";
import { parseNpyHeader } from "./npy-header.js";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
/** numpy itself refuses headers over 10 000 bytes by default; allow some slack. */
export const MAX_NPY_HEADER_BYTES = 100_000;

export interface NpyReadOptions extends ReadOptions {
  /** Label for the array in messages (an npz entry name); default "array". */
  readonly what?: string;
}

export function isNpyMagic(bytes: Uint8Array): boolean {
  return MAGIC.every((b, i) => bytes[i] === b);
}

export function parseNpy(bytes: Uint8Array, opts: NpyReadOptions): PointCloud {
  const { source } = opts;
  const what = opts.what ?? "array";
  const maxBytes = resolveMaxBytes(opts);
  const prefix = Math.min(bytes.length, MAGIC.length);
  for (let i = 0; i < prefix; i++) {
    if (bytes[i] !== MAGIC[i])
      throw new FormatError(source, "BAD_MAGIC", "not an .npy file (no \\x93NUMPY magic)");
  }
  if (bytes.length < 10)
    throw new FormatError(source, "TRUNCATED", `.npy file ends after ${bytes.length} bytes`);
  const major = bytes[6];
  const minor = bytes[7];
  if (minor !== 0 || major < 1 || major > 3) {
    throw new FormatError(
      source,
      "UNSUPPORTED_VERSION",
      `.npy format version ${major}.${minor} (known: 1.0, 2.0, 3.0)`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes)
    throw new FormatError(source, "TRUNCATED", ".npy file ends inside its preamble");
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = 8 + lengthBytes;
  if (headerLength > MAX_NPY_HEADER_BYTES) {
    throw new FormatError(
      source,
      "BAD_HEADER",
      `.npy header length ${headerLength} exceeds ${MAX_NPY_HEADER_BYTES} bytes`,
    );
  }
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) {
    throw new FormatError(
      source,
      "TRUNCATED",
      `.npy header claims ${headerLength} bytes but the file ends first`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder(major === 3 ? "utf-8" : "latin1", { fatal: true }).decode(
      bytes.subarray(headerStart, dataStart),
    );
  } catch (cause) {
    throw new FormatError(source, "BAD_HEADER", ".npy header is not valid utf-8", { cause });
  }
  const header = parseNpyHeader(text, source);
  const type = npyElementType(header.descr, source);
  const shape = cloudShape(source, what, header.shape, maxBytes);
  const expected = shape.count * type.itemSize;
  const present = bytes.length - dataStart;
  if (present < expected) {
    throw new FormatError(
      source,
      "TRUNCATED",
      `${what} of shape ${formatShape(shape.dims)} and dtype ${type.label} needs ${expected} data bytes, the file has ${present}`,
    );
  }
  if (present > expected) {
    throw new FormatError(
      source,
      "SHAPE_MISMATCH",
      `${what}: header says shape ${formatShape(shape.dims)} of ${type.label} (${expected} bytes) but ${present} data bytes follow`,
    );
  }
  let data = allocateValues(source, what, shape.count);
  decodeElements(bytes, dataStart, shape.count, type, data);
  if (header.fortranOrder) data = fortranToC(data, shape.dims);
  const cloud: PointCloud = { data, n: shape.n, d: shape.d };
  if (!opts.allowNonFinite) assertFinite(source, what, cloud);
  return cloud;
}
