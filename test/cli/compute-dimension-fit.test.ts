/** `magtrack compute --json`: the fitted dimension and its interval beside magnitude_dimension. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { encodeNpy } from "../../src/io/npy-write.js";
import { cli } from "../helpers/cli.js";

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe("magtrack compute --json: magnitude_dimension_fit", () => {
  it("500 equispaced points on a segment: dim_fit in [0.93, 1], interval ends on the closed form", async () => {
    const dir = await mkdtemp(join(tmpdir(), "magtrack-fit-"));
    dirs.push(dir);
    const n = 500;
    const h = 1 / (n - 1);
    await writeFile(
      join(dir, "seg.npy"),
      encodeNpy(
        Float64Array.from({ length: n }, (_, i) => i * h),
        [n, 1],
      ),
    );
    const out = await cli(["compute", "seg.npy", "--json"], { cwd: dir });
    expect(out.code).toBe(0);
    const p = JSON.parse(out.stdout.trim());
    expect(p.magnitude_dimension_fit).toBeGreaterThan(0.93);
    expect(p.magnitude_dimension_fit).toBeLessThanOrEqual(1);
    const iv = p.fit_interval;
    // sorted points on a line: Mag(tX) = 1 + Σ tanh(t·gap/2) (MATH.md oracle)
    const closed = (t: number) => 1 + (n - 1) * Math.tanh((t * h) / 2);
    expect(Math.abs(iv.magStart - closed(iv.tStart)) / closed(iv.tStart)).toBeLessThan(1e-8);
    expect(Math.abs(iv.magEnd - closed(iv.tEnd)) / closed(iv.tEnd)).toBeLessThan(1e-8);
    expect(iv.magStart).toBeGreaterThanOrEqual(2);
    expect(iv.magEnd).toBeLessThanOrEqual(0.95 * n);
    expect(Number.isFinite(p.magnitude_dimension)).toBe(true);
  });
});
