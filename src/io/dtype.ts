/**
 * Element types the readers accept, and decoding a run of elements into float64.
 *
 * 64-bit integers: each value is converted to the nearest float64 (round half to even), the
 * same result as numpy's `astype(np.float64)`. Values of magnitude ≤ 2^53 are exact; larger
 * ones lose their low bits (relative error ≤ 2^−53), which is immaterial for distances.
 */
import { bfloat16BitsToNumber, halfBitsToNumber } from "./dtype-half.js";

export type ElementKind = "float" | "bfloat" | "int" | "uint" | "bool";

export interface ElementType {
  readonly kind: ElementKind;
  readonly itemSize: 1 | 2 | 4 | 8;
  readonly littleEndian: boolean;
  /** How the file spelled it ('<f8', 'BF16' …), for messages. */
  readonly label: string;
}

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

type Reader = (view: DataView, offset: number, le: boolean) => number;

function readerFor(t: ElementType): Reader {
  switch (`${t.kind}${t.itemSize}`) {
    case "float2":
      return (v, o, le) => halfBitsToNumber(v.getUint16(o, le));
    case "bfloat2":
      return (v, o, le) => bfloat16BitsToNumber(v.getUint16(o, le));
    case "float4":
      return (v, o, le) => v.getFloat32(o, le);
    case "float8":
      return (v, o, le) => v.getFloat64(o, le);
    case "int1":
      return (v, o) => v.getInt8(o);
    case "int2":
      return (v, o, le) => v.getInt16(o, le);
    case "int4":
      return (v, o, le) => v.getInt32(o, le);
    case "int8":
      return (v, o, le) => Number(v.getBigInt64(o, le));
    case "uint1":
      return (v, o) => v.getUint8(o);
    case "uint2":
      return (v, o, le) => v.getUint16(o, le);
    case "uint4":
      return (v, o, le) => v.getUint32(o, le);
    case "uint8":
      return (v, o, le) => Number(v.getBigUint64(o, le));
    case "bool1":
      // numpy treats any non-zero byte as True.
      return (v, o) => (v.getUint8(o) === 0 ? 0 : 1);
    default:
      throw new Error(`no reader for ${t.kind} of ${t.itemSize} bytes`); // unreachable: types are validated first
  }
}

/**
 * Decode `count` consecutive elements starting at `byteOffset` into `out` (file order).
 * The caller has checked that byteOffset + count·itemSize ≤ bytes.length.
 */
export function decodeElements(
  bytes: Uint8Array,
  byteOffset: number,
  count: number,
  t: ElementType,
  out: Float64Array,
): void {
  const byteLength = count * t.itemSize;
  const src = bytes.subarray(byteOffset, byteOffset + byteLength);
  if (t.kind === "float" && t.itemSize === 8 && t.littleEndian === HOST_LITTLE_ENDIAN) {
    new Uint8Array(out.buffer, out.byteOffset, byteLength).set(src); // bit-exact copy, any alignment
    return;
  }
  if (t.kind === "float" && t.itemSize === 4 && t.littleEndian === HOST_LITTLE_ENDIAN) {
    const f32 = new Float32Array(count);
    new Uint8Array(f32.buffer).set(src);
    out.set(f32);
    return;
  }
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const read = readerFor(t);
  const le = t.littleEndian;
  for (let i = 0, o = 0; i < count; i++, o += t.itemSize) out[i] = read(view, o, le);
}
