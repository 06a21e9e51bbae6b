/**
 * numpy dtype strings ('<f8', '>i4', '|b1', '|u1' …) to element types. Accepted: float16/32/64,
 * int8..64, uint8..64, bool; '<' or '>' byte order ('|' only for 1-byte types). Refused:
 * object ('O', needs unpickling), complex, structured (a list descr), strings, bytes, void,
 * datetimes, long double.
 */
import type { ElementType } from "./dtype.js";
import { FormatError } from "./format-error.js";
import type { PyValue } from "./npy-header.js";

const KIND_BY_CHAR = { f: "float", i: "int", u: "uint", b: "bool" } as const;

export function npyElementType(descr: string | PyValue[], source: string): ElementType {
  if (typeof descr !== "string") {
    throw new FormatError(
      source,
      "UNSUPPORTED_DTYPE",
      "structured dtype (record fields) is not a point cloud",
    );
  }
  const m = /^([<>|=]?)([A-Za-z])(\d*)$/.exec(descr);
  if (!m) throw new FormatError(source, "UNSUPPORTED_DTYPE", `dtype '${descr}' is not a simple numpy dtype`);
  const [, order, code, sizeText] = m;
  if (code === "O") {
    throw new FormatError(
      source,
      "PICKLE_REFUSED",
      `dtype '${descr}' holds Python objects; unpickling is refused`,
    );
  }
  const kind = KIND_BY_CHAR[code as keyof typeof KIND_BY_CHAR];
  const size = Number(sizeText);
  const sizeOk =
    kind === "float"
      ? size === 2 || size === 4 || size === 8
      : kind === "bool"
        ? size === 1
        : [1, 2, 4, 8].includes(size);
  if (kind === undefined || !sizeOk) {
    const what = code === "c" ? "complex numbers are" : "it is";
    throw new FormatError(
      source,
      "UNSUPPORTED_DTYPE",
      `dtype '${descr}' is not supported (${what} not a real number type)`,
    );
  }
  if (size > 1 && order !== "<" && order !== ">") {
    throw new FormatError(
      source,
      "UNSUPPORTED_DTYPE",
      `dtype '${descr}' does not state its byte order ('<' or '>')`,
    );
  }
  return { kind, itemSize: size as 1 | 2 | 4 | 8, littleEndian: order !== ">", label: descr };
}
