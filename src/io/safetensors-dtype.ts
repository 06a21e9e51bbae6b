/** safetensors dtype names to element types (all little-endian). */
import type { ElementType } from "./dtype.js";
import { FormatError } from "./format-error.js";

const TYPES: Readonly<Record<string, Omit<ElementType, "littleEndian" | "label">>> = {
  F16: { kind: "float", itemSize: 2 },
  BF16: { kind: "bfloat", itemSize: 2 },
  F32: { kind: "float", itemSize: 4 },
  F64: { kind: "float", itemSize: 8 },
  I8: { kind: "int", itemSize: 1 },
  I16: { kind: "int", itemSize: 2 },
  I32: { kind: "int", itemSize: 4 },
  I64: { kind: "int", itemSize: 8 },
  U8: { kind: "uint", itemSize: 1 },
  U16: { kind: "uint", itemSize: 2 },
  U32: { kind: "uint", itemSize: 4 },
  U64: { kind: "uint", itemSize: 8 },
  BOOL: { kind: "bool", itemSize: 1 },
};

export function safetensorsElementType(dtype: string, what: string, source: string): ElementType {
  const t = Object.hasOwn(TYPES, dtype) ? TYPES[dtype] : undefined;
  if (t === undefined) {
    throw new FormatError(
      source,
      "UNSUPPORTED_DTYPE",
      `${what} has dtype ${JSON.stringify(dtype).slice(0, 40)} (supported: ${Object.keys(TYPES).join(", ")})`,
    );
  }
  return { ...t, littleEndian: true, label: dtype };
}
