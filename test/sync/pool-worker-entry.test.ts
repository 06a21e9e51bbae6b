/**
 * The pool's worker threads load a CommonJS entry (src/sync/pool-worker-entry.cts), never the ES module
 * worker through require(): piscina require()s a worker file first, and node's require(esm) path aborted
 * a worker's process once with a V8 fatal error (see the entry's header). The check: a node with
 * require(esm) switched off (--no-experimental-require-module: require() of an ES module then throws
 * ERR_REQUIRE_ESM) still require()s the entry the pool is given and computes a task with it. Were the
 * entry an ES module, or did it require() one, the child would fail.
 * The task: two points at distance 3, Mag(tX) = 2 / (1 + e^(−3t)) (closed form, MATH.md).
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { workerFile } from "../../src/sync/pool.js";
import { builtCli } from "../helpers/built-cli.js";

const CHILD = `
const run = require(process.argv[1]);
const D = new Float64Array([0, 3, 3, 0]);
const stats = { min: 3, max: 3, median: 3 };
Promise.resolve(run({ kind: "scales", D, n: 2, stats, scales: new Float64Array([0.5, 1]), from: 0, to: 2, mode: "exact", weights: false }))
  .then((r) => console.log(JSON.stringify(r.map((s) => s.magnitude))));
`;

describe("pool worker entry", () => {
  it("is CommonJS: loads and computes where require(esm) is off", () => {
    builtCli(); // refuses a dist older than src/
    const entry = workerFile();
    expect(entry).toMatch(/pool-worker-entry\.cjs$/);
    const out = execFileSync(process.execPath, ["--no-experimental-require-module", "-e", CHILD, entry], {
      encoding: "utf8",
      env: {},
    });
    const mags = JSON.parse(out.trim()) as number[];
    expect(mags).toHaveLength(2);
    for (const [i, t] of [0.5, 1].entries()) expect(mags[i]).toBeCloseTo(2 / (1 + Math.exp(-3 * t)), 12);
  });
});
