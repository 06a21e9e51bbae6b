/**
 * From an array's declared shape to a point cloud's n × d, refusing absurd shapes before any
 * allocation: shape (n, d1, d2, …) → n rows of d = d1·d2·… columns (trailing dims flattened in
 * C order); (n,) → n × 1; () → refused. The product is checked against the cap as it is
 * formed, so it never overflows past 2^53.
 */
import { FormatError } from "./format-error.js";

export interface CloudShape {
  readonly dims: readonly number[];
  readonly n: number;
  readonly d: number;
  /** n · d, the number of elements. */
  readonly count: number;
}

/** Float64 output bytes per element. */
export const OUTPUT_ITEM_BYTES = 8;

export function formatShape(shape: readonly unknown[]): string {
  return shape.length === 1 ? `(${String(shape[0])},)` : `(${shape.map(String).join(", ")})`;
}

export function cloudShape(
  source: string,
  what: string,
  shape: readonly unknown[],
  maxOutputBytes: number,
): CloudShape {
  if (shape.length === 0) {
    throw new FormatError(source, "BAD_SHAPE", `${what} is 0-dimensional (a scalar), not a point cloud`);
  }
  const dims: number[] = [];
  for (const dim of shape) {
    if (typeof dim === "number" && Number.isInteger(dim) && dim > Number.MAX_SAFE_INTEGER) {
      throw new FormatError(
        source,
        "TOO_LARGE",
        `${what} has shape ${formatShape(shape)}: an axis exceeds 2^53`,
      );
    }
    if (typeof dim !== "number" || !Number.isSafeInteger(dim) || dim < 0) {
      throw new FormatError(
        source,
        "BAD_SHAPE",
        `${what} has shape ${formatShape(shape)}: every entry must be a non-negative integer`,
      );
    }
    dims.push(dim);
  }
  if (dims.includes(0)) {
    throw new FormatError(
      source,
      "EMPTY",
      `${what} has shape ${formatShape(dims)}: no rows or no columns, nothing to measure`,
    );
  }
  const maxCount = Math.floor(maxOutputBytes / OUTPUT_ITEM_BYTES);
  let count = 1;
  for (const dim of dims) {
    // count · dim > maxCount, tested without forming a product beyond 2^53.
    if (dim > maxCount / count) {
      throw new FormatError(
        source,
        "TOO_LARGE",
        `${what} has shape ${formatShape(dims)}: decoded as float64 it exceeds the size cap of ${maxOutputBytes} bytes (raise the cap to read it)`,
        { details: { shape: dims, maxBytes: maxOutputBytes } },
      );
    }
    count *= dim;
  }
  const n = dims[0];
  return { dims, n, d: count / n, count };
}

/**
 * Reorder elements stored in Fortran order (first axis fastest) into C order (last axis
 * fastest). Element with index (i0, i1, …) sits at Σ i_a·F_a in the file, F_a = Π_{b<a} shape_b,
 * and goes to Σ i_a·C_a, C_a = Π_{b>a} shape_b.
 */
export function fortranToC(src: Float64Array, dims: readonly number[]): Float64Array {
  if (dims.length < 2) return src;
  const rank = dims.length;
  const cStride = new Array<number>(rank);
  let s = 1;
  for (let a = rank - 1; a >= 0; a--) {
    cStride[a] = s;
    s *= dims[a];
  }
  const out = new Float64Array(src.length);
  const idx = new Array<number>(rank).fill(0);
  let offset = 0;
  for (let k = 0; k < src.length; k++) {
    out[offset] = src[k];
    for (let a = 0; a < rank; a++) {
      idx[a]++;
      offset += cStride[a];
      if (idx[a] < dims[a]) break;
      offset -= dims[a] * cStride[a];
      idx[a] = 0;
    }
  }
  return out;
}

/** Allocate the output; an engine limit (cap raised past what V8 allows) becomes TOO_LARGE. */
export function allocateValues(source: string, what: string, count: number): Float64Array {
  try {
    return new Float64Array(count);
  } catch (cause) {
    throw new FormatError(source, "TOO_LARGE", `${what}: cannot allocate ${count} float64 values`, { cause });
  }
}
