/**
 * Issue 11: a layer with NaN activations. The error's hint names the real flag; with
 * --non-finite drop-rows the rows are dropped, the step is written, and rows_dropped is recorded.
 */
import { rm } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { computeProfile } from "../../src/core/profile.js";
import { cli } from "../helpers/cli.js";
import { makeStore, readResultLines, stepCloud, writeStep } from "../helpers/store.js";

const roots: string[] = [];
afterEach(async () => {
  for (const r of roots.splice(0)) await rm(r, { recursive: true, force: true });
});

async function storeWithNaN(): Promise<{ root: string; clean: Float64Array }> {
  const root = await makeStore({ runs: { a: { layers: {} } } });
  roots.push(root);
  const data = stepCloud(5, 40, 4, 0);
  data[3 * 4 + 1] = Number.NaN; // row 3
  data[17 * 4 + 0] = Number.POSITIVE_INFINITY; // row 17
  await writeStep(root, "a", "fc1", 0, data, 40, 4);
  const clean = new Float64Array(38 * 4);
  let at = 0;
  for (let row = 0; row < 40; row++) {
    if (row === 3 || row === 17) continue;
    clean.set(data.subarray(row * 4, row * 4 + 4), at * 4);
    at++;
  }
  return { root, clean };
}

describe("--non-finite", () => {
  it("by default the file fails, and the hint names the flag that exists", async () => {
    const { root } = await storeWithNaN();
    const res = await cli(["sync", "--root", root, "--json"]);
    expect(res.code).toBe(1);
    const failed = res.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l))
      .find((e) => e.type === "file-failed");
    expect(failed).toMatchObject({ code: "NON_FINITE" });
    expect(failed.message).toContain("--non-finite drop-rows");
    expect(failed.message).not.toContain("pass allowNonFinite");
  });

  it("drop-rows writes the step without those rows and records rows_dropped", async () => {
    const { root, clean } = await storeWithNaN();
    const res = await cli(["sync", "--root", root, "--non-finite", "drop-rows"]);
    expect(res.code).toBe(0);
    const [line] = await readResultLines(root, "a");
    const expected = computeProfile({ data: clean, n: 38, d: 4 }, { q: 0.95, nScales: 30, mode: "fast" });
    expect(line!.metrics.rows_dropped).toBe(2);
    expect(line!.metrics.n_points).toBe(38);
    expect(line!.metrics.t_conv).toBeCloseTo(expected.tConv!, 6);
  });
});
