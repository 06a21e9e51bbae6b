/**
 * .safetensors reader. Layout: u64 LE header length N | N bytes of JSON
 *   {"name": {"dtype": "F32", "shape": [n, d], "data_offsets": [begin, end]}, …, "__metadata__": {…}}
 * | data buffer. Offsets are relative to the data buffer. As the reference implementation does,
 * we require: N ≤ 100 MB, every tensor's bytes = prod(shape)·itemsize, offsets in bounds, and the
 * tensors tiling the buffer exactly (no overlap, no hole). `__metadata__` is ignored.
 */
import type { PointCloud } from "../core/types.js";
import { assertFinite } from "./activation-finite.js";
import { assertSafeArrayName } from "./activation-name.js";
import { type ReadOptions, resolveMaxBytes } from "./activation-options.js";
import { allocateValues, cloudShape, formatShape, OUTPUT_ITEM_BYTES } from "./activation-shape.js";
import { decodeElements, type ElementType } from "./dtype.js";
import { FormatError } from "./format-error.js";
import { safetensorsElementType } from "./safetensors-dtype.js";

export const MAX_SAFETENSORS_HEADER_BYTES = 100_000_000;

interface TensorInfo {
  readonly name: string;
  readonly type: ElementType;
  readonly shape: readonly unknown[];
  readonly begin: number;
  readonly end: number;
}

/** prod(shape), or −1 when some entry is not a non-negative safe integer or the product passes `limit`. */
function elementCount(shape: readonly unknown[], limit: number): number {
  let count = 1;
  for (const dim of shape) {
    if (typeof dim !== "number" || !Number.isSafeInteger(dim) || dim < 0) return -1;
    if (dim === 0) return 0;
  }
  for (const dim of shape as number[]) {
    if (dim > limit / count) return -1;
    count *= dim;
  }
  return count;
}

function readDirectory(bytes: Uint8Array, source: string): { tensors: TensorInfo[]; dataStart: number } {
  if (bytes.length < 8)
    throw new FormatError(source, "TRUNCATED", `.safetensors file has only ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(MAX_SAFETENSORS_HEADER_BYTES)) {
    throw new FormatError(
      source,
      "BAD_HEADER",
      `.safetensors header length ${headerLength} exceeds ${MAX_SAFETENSORS_HEADER_BYTES} bytes`,
    );
  }
  const dataStart = 8 + Number(headerLength);
  if (dataStart > bytes.length) {
    throw new FormatError(
      source,
      "TRUNCATED",
      `.safetensors header claims ${headerLength} bytes but the file ends first`,
    );
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, dataStart)));
  } catch (cause) {
    throw new FormatError(source, "BAD_HEADER", ".safetensors header is not valid utf-8 JSON", { cause });
  }
  if (header === null || typeof header !== "object" || Array.isArray(header)) {
    throw new FormatError(source, "BAD_HEADER", ".safetensors header is not a JSON object");
  }
  const bufferLength = bytes.length - dataStart;
  const tensors: TensorInfo[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const what = `tensor ${JSON.stringify(name).slice(0, 80)}`;
    const i = info as Record<string, unknown> | null;
    const offsets = i?.data_offsets;
    if (
      i === null ||
      typeof i !== "object" ||
      typeof i.dtype !== "string" ||
      !Array.isArray(i.shape) ||
      !Array.isArray(offsets) ||
      offsets.length !== 2
    ) {
      throw new FormatError(source, "BAD_HEADER", `${what} lacks dtype, shape or data_offsets [begin, end]`);
    }
    const type = safetensorsElementType(i.dtype, what, source);
    const [begin, end] = offsets as unknown[];
    if (
      typeof begin !== "number" ||
      typeof end !== "number" ||
      !Number.isSafeInteger(begin) ||
      !Number.isSafeInteger(end) ||
      begin < 0 ||
      begin > end ||
      end > bufferLength
    ) {
      throw new FormatError(
        source,
        "BAD_OFFSETS",
        `${what} has data_offsets ${JSON.stringify(offsets).slice(0, 60)} outside the ${bufferLength}-byte data buffer`,
      );
    }
    const count = elementCount(i.shape, bufferLength);
    if (count < 0 || count * type.itemSize !== end - begin) {
      throw new FormatError(
        source,
        "SHAPE_MISMATCH",
        `${what}: shape ${formatShape(i.shape).slice(0, 80)} of ${type.label} does not fill its ${end - begin} bytes`,
      );
    }
    tensors.push({ name, type, shape: i.shape, begin, end });
  }
  const sorted = [...tensors].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (const t of sorted) {
    if (t.begin !== covered) {
      const problem =
        t.begin < covered ? "overlaps the tensor before it" : `leaves a hole at byte ${covered}`;
      throw new FormatError(
        source,
        "BAD_OFFSETS",
        `tensor ${JSON.stringify(t.name).slice(0, 80)} ${problem}`,
      );
    }
    covered = t.end;
  }
  if (covered !== bufferLength) {
    throw new FormatError(
      source,
      "BAD_OFFSETS",
      `tensors cover ${covered} of the ${bufferLength} data bytes (trailing bytes belong to nothing)`,
    );
  }
  return { tensors, dataStart };
}

function decodeTensor(
  bytes: Uint8Array,
  dataStart: number,
  t: TensorInfo,
  opts: ReadOptions,
  budget: number,
): PointCloud {
  const what = `tensor ${JSON.stringify(t.name).slice(0, 80)}`;
  const shape = cloudShape(opts.source, what, t.shape, budget);
  const data = allocateValues(opts.source, what, shape.count);
  decodeElements(bytes, dataStart + t.begin, shape.count, t.type, data);
  const cloud: PointCloud = { data, n: shape.n, d: shape.d };
  if (!opts.allowNonFinite) assertFinite(opts.source, what, cloud);
  return cloud;
}

export function listSafetensors(bytes: Uint8Array, source: string): string[] {
  return readDirectory(bytes, source).tensors.map((t) => t.name);
}

export function parseSafetensorsArray(bytes: Uint8Array, name: string, opts: ReadOptions): PointCloud {
  const { tensors, dataStart } = readDirectory(bytes, opts.source);
  const t = tensors.find((x) => x.name === name);
  if (t === undefined) {
    const names = tensors.slice(0, 10).map((x) => `'${x.name}'`);
    throw new FormatError(
      opts.source,
      "NOT_FOUND_IN_ARCHIVE",
      `no tensor '${name}' in the .safetensors file (tensors: ${names.join(", ") || "none"}${tensors.length > 10 ? ", …" : ""})`,
    );
  }
  return decodeTensor(bytes, dataStart, t, opts, resolveMaxBytes(opts));
}

export function parseSafetensorsAll(bytes: Uint8Array, opts: ReadOptions): Map<string, PointCloud> {
  const { tensors, dataStart } = readDirectory(bytes, opts.source);
  if (tensors.length === 0) {
    throw new FormatError(opts.source, "NOT_FOUND_IN_ARCHIVE", ".safetensors file holds no tensors");
  }
  for (const t of tensors) assertSafeArrayName(opts.source, t.name);
  let budget = resolveMaxBytes(opts);
  const out = new Map<string, PointCloud>();
  for (const t of tensors) {
    const cloud = decodeTensor(bytes, dataStart, t, opts, budget);
    budget -= cloud.data.length * OUTPUT_ITEM_BYTES;
    out.set(t.name, cloud);
  }
  return out;
}
