/** `magtrack compute` on files: values against the golden magnipy results, errors per file. */
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { encodeNpy } from "../../src/io/npy-write.js";
import { loadPoints, loadResult } from "../core/golden-data.js";
import { cli } from "../helpers/cli.js";

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe("magtrack compute", () => {
  it("reproduces magnipy's default profile of a golden cloud and writes an SVG", async () => {
    const dir = await mkdtemp(join(tmpdir(), "magtrack-compute-"));
    dirs.push(dir);
    const points = loadPoints("c_circle_n100").points_f64;
    await writeFile(join(dir, "circle.npy"), encodeNpy(Float64Array.from(points.flat()), [points.length, 2]));
    const out = await cli(["compute", "circle.npy", "--json", "--svg", "charts", "--max-points", "5000"], {
      cwd: dir,
    });
    expect(out.code).toBe(0);
    const p = JSON.parse(out.stdout.trim());
    const ref = loadResult("c_circle_n100").magnipy_default;
    expect(Math.abs(p.t_conv - ref.t_conv) / ref.t_conv).toBeLessThan(1e-5);
    expect(p.n_distinct).toBe(100);
    // the grid is linspace(0, t_conv, 30) on our t_conv, so compare MagArea/T loosely (t_conv differs ≤ 1e-5)
    expect(Math.abs(p.mag_area_scaled - ref.MagArea_scaled) / ref.MagArea_scaled).toBeLessThan(1e-4);
    expect(await readdir(join(dir, "charts"))).toEqual(["circle.svg"]);
  });

  it("reports a bad file with its name, still does the good one, and exits 1", async () => {
    const dir = await mkdtemp(join(tmpdir(), "magtrack-compute-"));
    dirs.push(dir);
    await writeFile(join(dir, "bad.npy"), Buffer.from("not an npy file at all"));
    await writeFile(join(dir, "good.npy"), encodeNpy(Float64Array.from([0, 0, 3, 4]), [2, 2]));
    const out = await cli(["compute", "bad.npy", "good.npy"], { cwd: dir });
    expect(out.code).toBe(1);
    expect(out.stderr).toContain("bad.npy");
    // two points at distance 5: t_conv solves 2/(1+e^(−5t)) = 1.9 → t = ln(19)/5
    const row = out.stdout.split("\n").find((l) => l.startsWith("good.npy"))!;
    expect(Number(row.split(/\s+/)[3])).toBeCloseTo(Math.log(19) / 5, 5);
  });

  it("names a missing file and a folder given as a file with a typed error, no stack, and does the good one", async () => {
    const dir = await mkdtemp(join(tmpdir(), "magtrack-compute-"));
    dirs.push(dir);
    await mkdir(join(dir, "folder.npy"));
    await writeFile(join(dir, "good.npy"), encodeNpy(Float64Array.from([0, 0, 3, 4]), [2, 2]));
    const out = await cli(["compute", "missing.npy", "folder.npy", "good.npy"], { cwd: dir });
    expect(out.code).toBe(1);
    expect(out.stderr).toContain("✗ missing.npy: cannot read: ENOENT (no such file or folder) [INPUT_IO]");
    expect(out.stderr).toContain(
      "✗ folder.npy: cannot read: EISDIR (a folder is where a file should be) [INPUT_IO]",
    );
    expect(out.stderr).not.toContain("unexpected error");
    expect(out.stderr).not.toMatch(/\n\s+at /);
    expect(out.stdout.split("\n").some((l) => l.startsWith("good.npy"))).toBe(true);
  });
});
