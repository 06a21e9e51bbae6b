/** Files written by real numpy (scripts/make-npy-fixtures.py) decode to what numpy decodes. */
import { describe, expect, it } from "vitest";
import type { PointCloud } from "../../src/core/types.js";
import { parseActivation } from "../../src/io/activation.js";
import { encodeNpy } from "../../src/io/npy-write.js";
import { firstDifference, readFixture, readFixtureJson } from "./fixture-path.js";

interface ExpectedArray {
  dtype: string;
  fortran_order: boolean;
  shape: number[];
  n: number;
  d: number;
  values: number[];
}
interface Expected {
  numpy_version: string;
  cases: Record<string, ExpectedArray | { arrays: Record<string, ExpectedArray> }>;
}

const expected = readFixtureJson<Expected>("npy-reference", "expected.json");
const npyCases = Object.entries(expected.cases).filter((e): e is [string, ExpectedArray] => "values" in e[1]);
const npzCases = Object.entries(expected.cases).filter(
  (e): e is [string, { arrays: Record<string, ExpectedArray> }] => "arrays" in e[1],
);

function expectCloud(cloud: PointCloud, want: ExpectedArray): void {
  expect([cloud.n, cloud.d]).toEqual([want.n, want.d]);
  expect(firstDifference(cloud.data, want.values)).toBe(-1);
}

describe(`.npy files written by numpy ${expected.numpy_version}`, () => {
  it("covers versions, dtypes, byte orders and memory orders", () => {
    const names = npyCases.map(([name]) => name);
    expect(names).toEqual(
      expect.arrayContaining(["f8_v2.npy", "f8_v3.npy", "f2_be.npy", "f4_fortran_3d_be.npy"]),
    );
    const dtypes = new Set(npyCases.map(([, c]) => c.dtype));
    for (const t of ["<f2", ">f2", "<f4", ">f4", "<f8", ">f8", "|i1", "<i8", ">i8", "|u1", ">u8", "|b1"]) {
      expect(dtypes).toContain(t);
    }
    expect(npyCases.some(([, c]) => c.fortran_order && c.shape.length === 3)).toBe(true);
  });

  it.each(npyCases)("%s decodes bit-exactly", (name, want) => {
    const cloud = parseActivation(readFixture("npy-reference", name), { source: name, format: "npy" });
    expectCloud(cloud, want);
  });

  it("rounds 64-bit integers beyond 2^53 to the nearest float64 like numpy (2^53+1 → 2^53)", () => {
    const cloud = parseActivation(readFixture("npy-reference", "i8_beyond_2p53.npy"), {
      source: "i8",
      format: "npy",
    });
    expect(cloud.data[0]).toBe(2 ** 53);
    expect(cloud.data[1]).toBe(-(2 ** 63));
    expect(cloud.data[2]).toBe(2 ** 63);
  });

  it("encodeNpy writes the same bytes as np.save", () => {
    const want = expected.cases["f8_le_c.npy"] as ExpectedArray;
    const bytes = encodeNpy(new Float64Array(want.values), want.shape);
    expect(Buffer.from(bytes).equals(Buffer.from(readFixture("npy-reference", "f8_le_c.npy")))).toBe(true);
  });

  it("encodeNpy float32 output decodes to the float32-rounded values", () => {
    const values = [0.1, -2.5, 1e-40, 3.4e38, 7];
    const cloud = parseActivation(encodeNpy(new Float32Array(values), [5]), { source: "w", format: "npy" });
    expect([cloud.n, cloud.d]).toEqual([5, 1]);
    expect(Array.from(cloud.data)).toEqual(values.map(Math.fround));
  });
});

describe(".npz files written by numpy (savez, savez_compressed)", () => {
  it.each(npzCases)("%s: every array, as a map", (name, want) => {
    const all = parseActivation(readFixture("npy-reference", name), { source: name, format: "npz" });
    expect(all).toBeInstanceOf(Map);
    const map = all as Map<string, PointCloud>;
    expect([...map.keys()].sort()).toEqual(Object.keys(want.arrays).sort());
    for (const [array, arr] of Object.entries(want.arrays)) expectCloud(map.get(array)!, arr);
  });

  it.each(npzCases)("%s: one named array", (name, want) => {
    const cloud = parseActivation(readFixture("npy-reference", name), {
      source: name,
      format: "npz",
      arrayName: "layer2",
    });
    expectCloud(cloud, want.arrays.layer2);
  });

  it("names the missing array and the ones present", () => {
    expect(() =>
      parseActivation(readFixture("npy-reference", "deflated.npz"), {
        source: "runs/a/deflated.npz",
        format: "npz",
        arrayName: "layer9",
      }),
    ).toThrow(/^runs\/a\/deflated\.npz: no array 'layer9' .*'layer1'/);
  });
});
