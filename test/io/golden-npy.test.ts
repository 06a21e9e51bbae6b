/** The shared golden clouds (.npy written by numpy 1.24) decode to exactly their JSON values. */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseActivation } from "../../src/io/activation.js";
import { FIXTURES, firstDifference, readFixture, readFixtureJson } from "./fixture-path.js";

interface GoldenPoints {
  shape: [number, number];
  points_f64: number[][];
  points_f32_as_f64: number[][];
}

const names = readdirSync(join(FIXTURES, "golden", "points"))
  .filter((f) => f.endsWith(".json") && f !== "lcg_check.json")
  .map((f) => f.slice(0, -5));

describe("golden clouds (test/fixtures/golden/points)", () => {
  it("has the four clouds", () => {
    expect(names.sort()).toEqual([
      "a_uniform2d_n200",
      "b_sum4_10d_n300",
      "c_circle_n100",
      "d_duplicates_2d_n60",
    ]);
  });

  it.each(names)("%s: f64 and f32 files match the JSON exactly", (name) => {
    const golden = readFixtureJson<GoldenPoints>("golden", "points", `${name}.json`);
    for (const [suffix, rows] of [
      ["f64", golden.points_f64],
      ["f32", golden.points_f32_as_f64],
    ] as const) {
      const file = `${name}.${suffix}.npy`;
      const cloud = parseActivation(readFixture("golden", "points", file), { source: file, format: "npy" });
      expect([cloud.n, cloud.d]).toEqual(golden.shape);
      expect(firstDifference(cloud.data, rows.flat())).toBe(-1);
    }
  });
});
