/**
 * .safetensors decoding, against hand-built files whose element bit patterns have known values
 * (IEEE 754 half / bfloat16 / float32 / float64 definitions, two's complement integers).
 */
import { describe, expect, it } from "vitest";
import type { PointCloud } from "../../src/core/types.js";
import { parseActivation } from "../../src/io/activation.js";
import { FormatError } from "../../src/io/format-error.js";
import { encodeSafetensors, float64Bytes, type RawTensor } from "../../src/io/safetensors-write.js";

function u16(...bits: number[]): Uint8Array {
  const out = new Uint8Array(bits.length * 2);
  const view = new DataView(out.buffer);
  bits.forEach((b, i) => {
    view.setUint16(i * 2, b, true);
  });
  return out;
}

function one(t: RawTensor, opts: { allowNonFinite?: boolean } = {}): PointCloud {
  return parseActivation(encodeSafetensors([t]), {
    source: "t.safetensors",
    format: "safetensors",
    arrayName: t.name,
    ...opts,
  });
}

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof FormatError) return e.code;
    throw e;
  }
  return "no error";
}

describe("safetensors element types", () => {
  it("F16: normals, subnormals, signed zero, max", () => {
    // bits → value by the IEEE binary16 definition
    const cases: [number, number][] = [
      [0x3c00, 1],
      [0xc000, -2],
      [0x0001, 2 ** -24], // smallest subnormal
      [0x03ff, 1023 * 2 ** -24], // largest subnormal
      [0x0400, 2 ** -14], // smallest normal
      [0x7bff, 65504], // max
      [0x8000, -0],
      [0x3555, 0.333251953125],
      [0x8001, -(2 ** -24)],
    ];
    const cloud = one({
      name: "h",
      dtype: "F16",
      shape: [cases.length, 1],
      bytes: u16(...cases.map((c) => c[0])),
    });
    expect(Array.from(cloud.data, (x, i) => Object.is(x, cases[i][1]))).toEqual(cases.map(() => true));
  });

  it("BF16: top half of float32, subnormals included", () => {
    const cases: [number, number][] = [
      [0x3f80, 1],
      [0x4049, 3.140625],
      [0x0001, 2 ** -133], // smallest bfloat16 subnormal: 2^-126 · 2^-7
      [0x8001, -(2 ** -133)],
      [0x007f, 127 * 2 ** -133], // largest subnormal
      [0x7f7f, (2 - 2 ** -7) * 2 ** 127], // max
      [0x8000, -0],
    ];
    const cloud = one({
      name: "b",
      dtype: "BF16",
      shape: [cases.length],
      bytes: u16(...cases.map((c) => c[0])),
    });
    expect([cloud.n, cloud.d]).toEqual([cases.length, 1]);
    expect(Array.from(cloud.data, (x, i) => Object.is(x, cases[i][1]))).toEqual(cases.map(() => true));
  });

  it.each([
    ["F16", 0x7c00, Number.POSITIVE_INFINITY],
    ["F16", 0xfc00, Number.NEGATIVE_INFINITY],
    ["F16", 0x7e00, Number.NaN],
    ["BF16", 0x7f80, Number.POSITIVE_INFINITY],
    ["BF16", 0xffc0, Number.NaN],
  ])("%s bits %s are refused as NON_FINITE, or decoded when allowed", (dtype, bits, value) => {
    const t = { name: "x", dtype, shape: [2, 2], bytes: u16(0x3c00, 0x3c00, 0x3c00, bits) };
    expect(() => one(t)).toThrow(/t\.safetensors: tensor "x" holds .* at row 1, column 1/);
    expect(codeOf(() => one(t))).toBe("NON_FINITE");
    expect(Object.is(one(t, { allowNonFinite: true }).data[3], value)).toBe(true);
  });

  it("F32 and F64 exactly", () => {
    const f32 = new Float32Array([1.5, -0.1, 1e-45, 3.4028234663852886e38]);
    const c32 = one({ name: "a", dtype: "F32", shape: [2, 2], bytes: new Uint8Array(f32.buffer) });
    expect(Array.from(c32.data)).toEqual(Array.from(f32));
    const v64 = [Math.PI, -Number.MIN_VALUE, Number.MAX_VALUE, 0.1, 5e-324, -7];
    const c64 = one({ name: "b", dtype: "F64", shape: [3, 2], bytes: float64Bytes(v64) });
    expect(Array.from(c64.data)).toEqual(v64);
  });

  it("integers (two's complement, little-endian) and BOOL", () => {
    const le = (size: number, values: bigint[], signed: boolean) => {
      const out = new Uint8Array(values.length * size);
      const view = new DataView(out.buffer);
      values.forEach((v, i) => {
        const at = i * size;
        if (size === 1) signed ? view.setInt8(at, Number(v)) : view.setUint8(at, Number(v));
        if (size === 2) signed ? view.setInt16(at, Number(v), true) : view.setUint16(at, Number(v), true);
        if (size === 4) signed ? view.setInt32(at, Number(v), true) : view.setUint32(at, Number(v), true);
        if (size === 8) signed ? view.setBigInt64(at, v, true) : view.setBigUint64(at, v, true);
      });
      return out;
    };
    const signed = [0n, -1n, 5n, -100n];
    for (const [dtype, size] of [
      ["I8", 1],
      ["I16", 2],
      ["I32", 4],
      ["I64", 8],
    ] as const) {
      expect(Array.from(one({ name: "i", dtype, shape: [4], bytes: le(size, signed, true) }).data)).toEqual([
        0, -1, 5, -100,
      ]);
    }
    const maxU = [255n, 65535n, 4294967295n];
    for (const [dtype, size, max] of [
      ["U8", 1, 0],
      ["U16", 2, 1],
      ["U32", 4, 2],
    ] as const) {
      const cloud = one({ name: "u", dtype, shape: [2], bytes: le(size, [7n, maxU[max]], false) });
      expect(Array.from(cloud.data)).toEqual([7, Number(maxU[max])]);
    }
    // 2^64 − 1 rounds to 2^64; 2^53 + 1 rounds (half to even) to 2^53.
    const u64 = one({
      name: "u",
      dtype: "U64",
      shape: [2],
      bytes: le(8, [2n ** 64n - 1n, 2n ** 53n + 1n], false),
    });
    expect(Array.from(u64.data)).toEqual([2 ** 64, 2 ** 53]);
    const b = one({ name: "b", dtype: "BOOL", shape: [3], bytes: new Uint8Array([0, 1, 7]) });
    expect(Array.from(b.data)).toEqual([0, 1, 1]);
  });
});

describe("safetensors files", () => {
  const file = encodeSafetensors(
    [
      { name: "layer.0", dtype: "F64", shape: [2, 3], bytes: float64Bytes([1, 2, 3, 4, 5, 6]) },
      { name: "layer.1", dtype: "F16", shape: [2, 1, 2], bytes: u16(0x3c00, 0x4000, 0x4200, 0x4400) },
    ],
    { format: "pt", note: "ignored" },
  );

  it("reads every tensor as a map (metadata ignored) and flattens trailing dims", () => {
    const all = parseActivation(file, { source: "f", format: "safetensors" }) as Map<string, PointCloud>;
    expect([...all.keys()]).toEqual(["layer.0", "layer.1"]);
    expect(Array.from(all.get("layer.0")!.data)).toEqual([1, 2, 3, 4, 5, 6]);
    const l1 = all.get("layer.1")!;
    expect([l1.n, l1.d, ...l1.data]).toEqual([2, 2, 1, 2, 3, 4]);
  });

  it("reads one tensor by name and names missing ones", () => {
    const c = parseActivation(file, { source: "f", format: "safetensors", arrayName: "layer.1" });
    expect(Array.from(c.data)).toEqual([1, 2, 3, 4]);
    expect(() =>
      parseActivation(file, { source: "run/x.safetensors", format: "safetensors", arrayName: "nope" }),
    ).toThrow(/^run\/x\.safetensors: no tensor 'nope'.*'layer\.0'/);
  });

  it("applies the size cap to the sum of decoded outputs", () => {
    expect(
      codeOf(() => parseActivation(file, { source: "f", format: "safetensors", maxBytes: 48 + 31 })),
    ).toBe("TOO_LARGE");
    expect(() =>
      parseActivation(file, { source: "f", format: "safetensors", maxBytes: 48 + 32 }),
    ).not.toThrow();
  });

  function withHeader(header: unknown, data: Uint8Array): Uint8Array {
    const json = new TextEncoder().encode(JSON.stringify(header));
    const out = new Uint8Array(8 + json.length + data.length);
    new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
    out.set(json, 8);
    out.set(data, 8 + json.length);
    return out;
  }
  const data = float64Bytes([1, 2, 3, 4]);
  const parse = (bytes: Uint8Array) => () => parseActivation(bytes, { source: "f", format: "safetensors" });

  it.each([
    [
      "overlapping",
      {
        a: { dtype: "F64", shape: [2], data_offsets: [0, 16] },
        b: { dtype: "F64", shape: [2], data_offsets: [8, 24] },
      },
      "BAD_OFFSETS",
    ],
    ["out of range", { a: { dtype: "F64", shape: [5], data_offsets: [0, 40] } }, "BAD_OFFSETS"],
    ["negative", { a: { dtype: "F64", shape: [1], data_offsets: [-8, 0] } }, "BAD_OFFSETS"],
    ["with a hole", { a: { dtype: "F64", shape: [2], data_offsets: [16, 32] } }, "BAD_OFFSETS"],
    ["size ≠ shape·itemsize", { a: { dtype: "F64", shape: [3], data_offsets: [0, 32] } }, "SHAPE_MISMATCH"],
    [
      "shape product overflow",
      { a: { dtype: "F64", shape: [2 ** 40, 2 ** 40], data_offsets: [0, 32] } },
      "SHAPE_MISMATCH",
    ],
    ["complex dtype", { a: { dtype: "C64", shape: [4], data_offsets: [0, 32] } }, "UNSUPPORTED_DTYPE"],
    ["fp8 dtype", { a: { dtype: "F8_E4M3", shape: [32], data_offsets: [0, 32] } }, "UNSUPPORTED_DTYPE"],
    [
      "scalar",
      {
        a: { dtype: "F64", shape: [], data_offsets: [0, 8] },
        b: { dtype: "F64", shape: [3], data_offsets: [8, 32] },
      },
      "BAD_SHAPE",
    ],
    ["an array header", [1, 2], "BAD_HEADER"],
    ["missing offsets", { a: { dtype: "F64", shape: [4] } }, "BAD_HEADER"],
    ["unsafe name", { "../../x": { dtype: "F64", shape: [4], data_offsets: [0, 32] } }, "UNSAFE_NAME"],
  ])("refuses a header %s", (_what, header, code) => {
    expect(codeOf(parse(withHeader(header, data)))).toBe(code);
  });

  it("refuses a huge declared header length and a truncated file", () => {
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, 2n ** 62n, true);
    expect(codeOf(parse(huge))).toBe("BAD_HEADER");
    expect(() => parse(huge)()).toThrow(/^f: \.safetensors header length 4611686018427387904 exceeds/);
    expect(codeOf(parse(file.subarray(0, 5)))).toBe("TRUNCATED");
    expect(codeOf(parse(file.subarray(0, 40)))).toBe("TRUNCATED");
    expect(codeOf(parse(file.subarray(0, file.length - 1)))).toBe("BAD_OFFSETS");
  });
});
