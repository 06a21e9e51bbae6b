/**
 * Issue 13 end to end on a local store: a logged weight window (trajectory/<layer>/step_<N>.npy, rows
 * = iterates) and the representation windows of a layer's last W steps are synced as trajectory/ and
 * reptraj/ results, checked against the closed form of a two-point space, Mag(tX) = 2 / (1 + e^(−t·r))
 * (Leinster 2013: Z = [[1, e^(−tr)], [e^(−tr), 1]], w = Z⁻¹1 sums to 2/(1+e^(−tr))), and a re-sync
 * writes nothing.
 */
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { encodeNpy } from "../../src/io/npy-write.js";
import { cli } from "../helpers/cli.js";
import { lcgUniform, makeStore, readResultLines, writeStep } from "../helpers/store.js";

const roots: string[] = [];
afterEach(async () => {
  for (const r of roots.splice(0)) await rm(r, { recursive: true, force: true });
});

const twoPoints = (t: number, r: number) => 2 / (1 + Math.exp(-t * r));

interface Line {
  family?: string;
  layer: string;
  step: number;
  metrics: Record<string, number>;
}

describe("trajectory windows in a sync", () => {
  it("weight and representation windows are written once, with the two-point closed form", async () => {
    const root = await makeStore({ runs: { a: { layers: {} } } });
    roots.push(root);
    // Representation windows: steps 0, 1, 2 of layer fc1; step k = the step-0 cloud shifted by c_k in
    // every coordinate, so the Frobenius distance between steps j, k is |c_j − c_k|·√(n·d).
    const n = 10;
    const d = 2;
    const base = lcgUniform(7, n * d);
    const shifts = [0, 0.1, 0.3];
    for (const [step, c] of shifts.entries()) {
      await writeStep(
        root,
        "a",
        "fc1",
        step,
        base.map((v) => v + c),
        n,
        d,
      );
    }
    // A weight window of two iterates at Euclidean distance 0.5 (3-4-5 triangle scaled).
    const weights = join(root, "a", "trajectory", "w", "step_100.npy");
    await mkdir(join(root, "a", "trajectory", "w"), { recursive: true });
    await writeFile(weights, encodeNpy(new Float64Array([0, 0, 0.3, 0.4]), [2, 2]));

    const args = ["sync", "--root", root, "--reptraj-window", "2", "--fixed-scales", "1.36,6.78", "--json"];
    const first = await cli(args);
    expect(first.code, first.stderr).toBe(0);
    const lines = (await readResultLines(root, "a")) as unknown as Line[];
    const of = (family: string) => lines.filter((l) => l.family === family);

    const traj = of("trajectory");
    expect(traj.map((l) => [l.layer, l.step])).toEqual([["w", 100]]);
    expect(traj[0]!.metrics.n_iterates).toBe(2);
    for (const t of [1.36, 6.78]) {
      expect(traj[0]!.metrics[`mag_t${t}`]).toBeCloseTo(twoPoints(t, 0.5), 9);
    }

    const rep = of("reptraj").sort((x, y) => x.step - y.step);
    expect(rep.map((l) => [l.layer, l.step])).toEqual([
      ["fc1", 1],
      ["fc1", 2],
    ]);
    const r1 = 0.1 * Math.sqrt(n * d);
    const r2 = 0.2 * Math.sqrt(n * d);
    expect(rep[0]!.metrics["mag_t1.36"]).toBeCloseTo(twoPoints(1.36, r1), 9);
    expect(rep[1]!.metrics["mag_t6.78"]).toBeCloseTo(twoPoints(6.78, r2), 9);

    // The layer's own per-step results are there as well, under magnitude/.
    expect(lines.filter((l) => (l.family ?? "magnitude") === "magnitude").map((l) => l.step)).toEqual([
      0, 1, 2,
    ]);

    // Re-running is harmless: nothing computed, the results file untouched.
    const jsonl = join(root, "a", "magnitude", "metrics.jsonl");
    const before = await readFile(jsonl, "utf8");
    const mtime = (await stat(jsonl)).mtimeMs;
    const second = await cli(args);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).not.toContain('"step-done"');
    expect(second.stdout).toContain('"run-unchanged"');
    expect((await stat(jsonl)).mtimeMs).toBe(mtime);
    expect(await readFile(jsonl, "utf8")).toBe(before);
  });
});
