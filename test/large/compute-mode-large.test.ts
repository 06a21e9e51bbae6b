/** `magtrack compute --mode large`: the flag reaches the engine, and the fast engine's refusal names it. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
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

describe("compute --mode large", () => {
  it("computes a golden cloud by CG at every scale, matching magnipy's t_conv", async () => {
    const dir = await mkdtemp(join(tmpdir(), "magtrack-large-"));
    dirs.push(dir);
    const points = loadPoints("c_circle_n100").points_f64;
    await writeFile(join(dir, "circle.npy"), encodeNpy(Float64Array.from(points.flat()), [points.length, 2]));
    const out = await cli(["compute", "circle.npy", "--json", "--mode", "large"], { cwd: dir });
    expect(out.code).toBe(0);
    const p = JSON.parse(out.stdout.trim());
    const ref = loadResult("c_circle_n100").magnipy_default;
    // magnipy's root search stops at rtol 1e-5
    expect(Math.abs(p.t_conv - ref.t_conv) / ref.t_conv).toBeLessThan(1e-5);
    expect(p.solvers[0]).toBe("closed-form");
    expect(new Set(p.solvers.slice(1))).toEqual(new Set(["cg"]));
  });

  it("a cloud over one WebAssembly memory with the default mode: refused before allocating, naming --mode large", async () => {
    const dir = await mkdtemp(join(tmpdir(), "magtrack-large-"));
    dirs.push(dir);
    const n = 13_000; // fast workspace 28·n² ≈ 4.4 GiB > one wasm memory
    const data = new Float64Array(n * 8).map((_, i) => (i * 0.618034) % 1);
    await writeFile(join(dir, "big.npy"), encodeNpy(data, [n, 8]));
    const out = await cli(["compute", "big.npy", "--json", "--max-points", String(n)], { cwd: dir });
    expect(out.code).toBe(1);
    const p = JSON.parse(out.stdout.trim());
    expect(p.error).toMatch(/big\.npy.*n = 13000.*--max-points \d+.*--mode large \(no such limit, about/);
    expect(p.error).toMatch(/cloud-too-large/);
  });
});
