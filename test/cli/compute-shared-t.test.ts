/**
 * Issue 11: `compute a.npy b.npy` uses one T for all files (the first cloud's t_conv, or --t-max),
 * says so, announces subsampling and records the original row count.
 * Closed form (MATH.md, two points at distance D): Mag(t) = 2 / (1 + e^{-tD}); t_conv(q = 0.95)
 * solves Mag = 1.9, i.e. e^{-tD} = 1/19, t = ln(19)/D.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { encodeNpy } from "../../src/io/npy-write.js";
import { cli } from "../helpers/cli.js";
import { lcgUniform } from "../helpers/store.js";

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe("magtrack compute over several files", () => {
  it("a cloud and its ×2 copy are measured on the first cloud's T", async () => {
    const dir = await mkdtemp(join(tmpdir(), "magtrack-compute-"));
    dirs.push(dir);
    await writeFile(join(dir, "a.npy"), encodeNpy(Float64Array.from([0, 0, 3, 4]), [2, 2])); // D = 5
    await writeFile(join(dir, "b.npy"), encodeNpy(Float64Array.from([0, 0, 6, 8]), [2, 2])); // D = 10
    const out = await cli(["compute", "a.npy", "b.npy", "--json", "--mode", "exact"], { cwd: dir });
    expect(out.code).toBe(0);
    const [a, b] = out.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const T = Math.log(19) / 5;
    expect(a.T).toBeCloseTo(T, 9);
    expect(b.T).toBeCloseTo(T, 9);
    expect(b.T_source).toBe("t_conv(q=0.95) of a.npy");
    expect(b.cloud).toBe("b.npy");
    // Mag_b(T) = 2 / (1 + e^{-10 T}) = 2 / (1 + 19^{-2})
    expect(b.magnitude.at(-1)).toBeCloseTo(2 / (1 + 19 ** -2), 9);
    expect(a.magnitude.at(-1)).toBeCloseTo(1.9, 9);

    const text = await cli(["compute", "a.npy", "b.npy", "--mode", "exact"], { cwd: dir });
    expect(text.stderr).toMatch(/T = 0\.588888 for every file of this call \(t_conv\(q=0\.95\) of a\.npy\)/);
  });

  it("subsampling above --max-points is announced and the original row count recorded", async () => {
    const dir = await mkdtemp(join(tmpdir(), "magtrack-compute-"));
    dirs.push(dir);
    await writeFile(join(dir, "big.npy"), encodeNpy(lcgUniform(3, 60 * 3), [60, 3]));
    const json = await cli(["compute", "big.npy", "--json", "--max-points", "50"], { cwd: dir });
    expect(JSON.parse(json.stdout.trim())).toMatchObject({ n: 50, n_rows_original: 60 });
    const text = await cli(["compute", "big.npy", "--max-points", "50"], { cwd: dir });
    expect(text.stderr).toContain("big.npy: 60 rows, subsampled to 50 (--max-points)");
  });
});
