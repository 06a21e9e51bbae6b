/** Bad input → typed InputError naming the problem; 1 row is valid (magnitude 1). */
import { describe, expect, it } from "vitest";
import {
  computeProfile,
  findTConv,
  InputError,
  magnitudeAt,
  magnitudeFunction,
  NumericalError,
  pairwiseDistances,
  pointCloudFromRows,
  tConvOf,
  validatePointCloud,
} from "../../src/core/index.js";

const ok = pointCloudFromRows([
  [0, 0],
  [1, 0],
  [0, 2],
]);

function expectInputError(fn: () => unknown, code: string, message: RegExp): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).code).toBe(code);
    expect((err as Error).message).toMatch(message);
    return;
  }
  throw new Error("expected an InputError");
}

describe("input validation", () => {
  it("NaN / Inf name row and column", () => {
    expectInputError(
      () =>
        pointCloudFromRows([
          [0, 1],
          [2, Number.NaN],
        ]),
      "points-non-finite",
      /row 1, column 1/,
    );
    expectInputError(
      () => validatePointCloud({ data: Float64Array.from([0, Number.POSITIVE_INFINITY]), n: 1, d: 2 }),
      "points-non-finite",
      /row 0, column 1/,
    );
  });
  it("0 rows, d = 0, ragged, non-numeric, not an array, length ≠ n·d", () => {
    expectInputError(() => pointCloudFromRows([]), "points-empty", /0 rows/);
    expectInputError(() => pointCloudFromRows([[], []]), "points-zero-dim", /d = 0/);
    expectInputError(() => pointCloudFromRows([[1, 2], [3]]), "points-ragged", /row 1 has 1/);
    expectInputError(() => pointCloudFromRows([[1, "2"]]), "points-non-numeric", /row 0, column 1/);
    expectInputError(() => pointCloudFromRows([[1], null]), "points-row-not-array", /row 1/);
    expectInputError(() => pointCloudFromRows("1,2"), "points-not-array", /array of rows/);
    expectInputError(
      () => computeProfile({ data: new Float64Array(5), n: 2, d: 3 }),
      "points-bad-length",
      /5 ≠/,
    );
    expectInputError(
      () => computeProfile({ data: new Float64Array(0), n: 0, d: 3 }),
      "points-empty",
      /0 rows/,
    );
  });
  it("one row (or all rows equal) is valid: magnitude 1 at every scale, no t_conv", () => {
    const one = pointCloudFromRows([[3, 4, 5]]);
    expect(magnitudeAt(one, 7).magnitude).toBe(1);
    const prof = computeProfile(
      pointCloudFromRows([
        [1, 2],
        [1, 2],
        [1, 2],
      ]),
    );
    expect(prof.nDistinct).toBe(1);
    expect(prof.duplicatesRemoved).toBe(2);
    expect(prof.tConv).toBeNull();
    expect(Array.from(prof.magnitude).every((m) => m === 1)).toBe(true);
    expect(prof.magAreaScaled).toBe(1);
    expect(() => tConvOf(one)).toThrow(NumericalError);
  });
  it("q outside (0, 1]", () => {
    for (const q of [0, -0.1, 1.0001, Number.NaN]) {
      expectInputError(() => computeProfile(ok, { q }), "q-out-of-range", /q = .*\(0, 1\]/);
      expectInputError(() => tConvOf(ok, q), "q-out-of-range", /\(0, 1\]/);
    }
  });
  it("negative or non-finite t", () => {
    for (const t of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expectInputError(() => magnitudeAt(ok, t), "scale-invalid", /finite number ≥ 0/);
      expectInputError(() => magnitudeFunction(ok, [1, t]), "scale-invalid", /scales\[1\]/);
      expectInputError(() => computeProfile(ok, { tMax: t }), "scale-invalid", /tMax/);
    }
  });
  it("zero vectors with cosine/angular, unknown metric, bad grid size", () => {
    const z = pointCloudFromRows([
      [0, 0],
      [1, 1],
    ]);
    expectInputError(() => pairwiseDistances(z, "cosine"), "points-zero-vector", /row 0/);
    expectInputError(() => computeProfile(z, { metric: "angular" }), "points-zero-vector", /row 0/);
    // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong input
    expectInputError(() => pairwiseDistances(ok, "manhattan" as any), "metric-unknown", /manhattan/);
    expectInputError(() => computeProfile(ok, { nScales: 1 }), "grid-size-invalid", /nScales = 1/);
  });
  it("t_conv not bracketed → NumericalError with code", () => {
    // a magnitude function that never reaches the target
    try {
      findTConv(() => 1.5, 10, 0.95, 1);
      throw new Error("expected NumericalError");
    } catch (err) {
      expect(err).toBeInstanceOf(NumericalError);
      expect((err as NumericalError).code).toBe("t-conv-not-bracketed");
    }
  });
});
