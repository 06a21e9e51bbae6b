/**
 * Write a float array as a .npy file (format 1.0), byte-for-byte as numpy's `np.save` does:
 *   magic "\x93NUMPY", version 1.0, uint16 LE header length, then the header dict
 *   "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }" followed by spare spaces
 *   (numpy reserves room so the first axis can grow to 21 digits), padded with spaces and a
 *   final "\n" so that the data starts at a multiple of 64 bytes. Data: little-endian, C order.
 */
import { InputError } from "../core/errors.js";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const PREAMBLE_BYTES = 10; // magic (6) + version (2) + header length (2)
const ARRAY_ALIGN = 64;
const GROWTH_AXIS_MAX_DIGITS = 21; // numpy.lib.format.GROWTH_AXIS_MAX_DIGITS

function shapeRepr(shape: readonly number[]): string {
  if (shape.length === 0) return "()";
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(", ")})`;
}

/** The header text numpy writes, including the final newline. */
export function npyHeaderText(descr: string, shape: readonly number[]): string {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeRepr(shape)}, }`;
  if (shape.length > 0) header += " ".repeat(GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length);
  // padlen = 64 − ((10 + len(header) + 1) mod 64); numpy pads a full 64 when already aligned.
  const padlen = ARRAY_ALIGN - ((PREAMBLE_BYTES + header.length + 1) % ARRAY_ALIGN);
  return `${header}${" ".repeat(padlen)}\n`;
}

export function encodeNpy(data: Float64Array | Float32Array, shape: readonly number[]): Uint8Array {
  let count = 1;
  for (const dim of shape) {
    if (!Number.isSafeInteger(dim) || dim < 0) {
      throw new InputError("BAD_SHAPE", `encodeNpy: shape entry ${dim} is not a non-negative integer`);
    }
    count *= dim;
  }
  if (count !== data.length) {
    throw new InputError(
      "SHAPE_MISMATCH",
      `encodeNpy: shape ${shapeRepr(shape)} holds ${count} values but the data has ${data.length}`,
    );
  }
  const is64 = data instanceof Float64Array;
  const header = npyHeaderText(is64 ? "<f8" : "<f4", shape);
  const headerStart = PREAMBLE_BYTES;
  const dataStart = headerStart + header.length;
  const itemSize = is64 ? 8 : 4;
  const out = new Uint8Array(dataStart + data.length * itemSize);
  out.set(MAGIC, 0);
  out[6] = 1; // major version
  out[7] = 0; // minor version
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[headerStart + i] = header.charCodeAt(i);
  for (let i = 0; i < data.length; i++) {
    if (is64) view.setFloat64(dataStart + i * 8, data[i], true);
    else view.setFloat32(dataStart + i * 4, data[i], true);
  }
  return out;
}
