/**
 * Issue 16: how well the f32 factor of one cloud preconditions a later cloud of the same sequence
 * (src/core/fast/factor-cache.ts), and what the pieces of a solve cost (the cost model of
 * src/core/fast/scale-solve.ts). Drifting ReLU clouds of bench/drifting-clouds.ts.
 *
 *   npx tsx bench/factor-reuse.ts [--n 1000] [--layer h1|h2]    PCG iterations to 1e-12 at step s with
 *       the factor of step 0 made at t·ratio (ratio 1, 1.18, 1.5, 2; t = 0.043, 0.1 in the data's units; 0.043 is the grid's first scale there)
 *   npx tsx bench/factor-reuse.ts --costs [--n 1000]            ms per f64 mat-vec, per pair of f32
 *       triangular solves, per f32 factorisation and per exp(−tD) pass (medians of repeated runs)
 */
import { pairwiseDistances } from "../src/core/distances.js";
import { factorPreconditioner, preconditionedCg } from "../src/core/fast/pcg.js";
import { rowSumGuess } from "../src/core/fast/scale-solve.js";
import { FastWorkspace } from "../src/core/fast/workspace.js";
import { driftingRun } from "./drifting-clouds.js";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
}
const n = Number(arg("n", "1000"));
const layer = arg("layer", "h1") as "h1" | "h2";
const steps = [0, 1, 2, 5];
const distances: Float64Array[] = [];
for (const [, layers] of driftingRun({ n, steps: 6, drift: 0.01, seed: 1 })) {
  distances.push(pairwiseDistances({ n, d: 64, data: layers[layer] }));
}
const ws = new FastWorkspace(n, 0);

function median(f: () => void, reps: number): number {
  f();
  const ms: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    f();
    ms.push(performance.now() - t0);
  }
  return ms.sort((a, b) => a - b)[Math.floor(reps / 2)]!;
}

if (process.argv.includes("--costs")) {
  ws.loadDistances(distances[0]!);
  let t = 0.05;
  const exp = median(() => {
    t *= 1.01; // a new scale each call: no pass is skipped as a repeat
    ws.loadScale(t);
  }, 21);
  const symv = median(() => ws.k.symvLower64(ws.pZ, n, ws.pX, ws.pQ), 101);
  const factor = median(() => {
    ws.k.lowerToF32(ws.pZ, ws.pF, n);
    ws.k.cholesky32(ws.pF, n, 64);
  }, 9);
  const solves = median(() => {
    ws.k.solveLower32(ws.pF, n, ws.pV32);
    ws.k.solveLowerT32(ws.pF, n, ws.pV32);
  }, 101);
  console.log(
    `n = ${n}: mat-vec ${symv.toFixed(3)} ms, f32 solves ${solves.toFixed(3)} ms (${(solves / symv).toFixed(2)} mat-vecs), ` +
      `f32 factorisation ${factor.toFixed(2)} ms (${(factor / symv).toFixed(0)} mat-vecs), exp pass ${exp.toFixed(2)} ms`,
  );
} else {
  for (const t0 of [0.043, 0.1]) {
    for (const ratio of [1, 1.18, 1.5, 2]) {
      ws.loadDistances(distances[0]!);
      ws.loadScale(t0 * ratio);
      factorPreconditioner(ws);
      const its = steps.map((s) => {
        ws.loadDistances(distances[s]!);
        ws.loadScale(t0);
        ws.zScale = t0;
        rowSumGuess(ws);
        const r = preconditionedCg(ws, { maxIter: 60, relTol: 1e-12, acceptRel: 1e-9 });
        return `step ${s}: ${r.iterations}${r.converged ? "" : " (not converged)"}`;
      });
      console.log(`${layer} t = ${t0}, factor of step 0 at ${ratio}·t: ${its.join(", ")}`);
    }
  }
}
