/**
 * Issue 16: realistic clouds whose network drifts slowly from step to step, as a training run logs
 * them. Probe inputs P ~ N(0, 1)^{n×32} (fixed for the whole run), embedded in R^64 by a fixed
 * E ~ N(0, 1/32)^{32×64}; a two-layer ReLU MLP 64 → 64 → 64 (He initialisation, W ~ N(0, 2/64)) whose
 * weights take a random-walk step at every training step,
 *   W_l(s) = W_l(s − 1) + drift · G_l(s),   G_l(s) ~ N(0, 2/64)^{64×64},   drift = 0.01 by default,
 * i.e. each step moves the weights by about 1 % of their size. Layer "h1" = relu(P·E·W1(s)),
 * layer "h2" = relu(h1·W2(s)): n × 64 clouds of intrinsic dimension ≤ 32 (bench/relu-cloud.ts's kind,
 * now changing over steps). Every number comes from the golden LCG of MATH.md via Box–Muller
 * (bench/relu-cloud.ts), so the files are the same on every machine.
 *   npx tsx bench/drifting-clouds.ts <root> [--n 1000] [--steps 25] [--drift 0.01] [--runs 1]
 * writes <root>/run-<r>/activations/{h1,h2}/step_<s>.npy.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { encodeNpy } from "../src/io/npy-write.js";
import { matmulRelu, normals, RELU_D, RELU_INTRINSIC } from "./relu-cloud.js";

export interface DriftingOptions {
  readonly n: number;
  readonly steps: number;
  readonly drift: number;
  /** Seeds the probes and the weights of this run (runs differ in both). */
  readonly seed: number;
}

/** The layers' clouds at every step: yields [step, {h1, h2}] with n × 64 row-major arrays. */
export function* driftingRun(
  o: DriftingOptions,
): Generator<[number, { h1: Float64Array; h2: Float64Array }]> {
  const k = RELU_INTRINSIC;
  const d = RELU_D;
  const gw = normals(7 + 100 * o.seed);
  const E = Float64Array.from({ length: k * d }, () => gw() / Math.sqrt(k));
  const W1 = Float64Array.from({ length: d * d }, () => gw() * Math.sqrt(2 / d));
  const W2 = Float64Array.from({ length: d * d }, () => gw() * Math.sqrt(2 / d));
  const gp = normals(1000 + o.seed);
  const P = Float64Array.from({ length: o.n * k }, () => gp());
  const X = matmulRelu(P, o.n, k, E, d, false);
  const walk = normals(5000 + o.seed);
  for (let s = 0; s < o.steps; s++) {
    if (s > 0) {
      for (let i = 0; i < W1.length; i++) W1[i] += o.drift * walk() * Math.sqrt(2 / d);
      for (let i = 0; i < W2.length; i++) W2[i] += o.drift * walk() * Math.sqrt(2 / d);
    }
    const h1 = matmulRelu(X, o.n, d, W1, d, true);
    const h2 = matmulRelu(h1, o.n, d, W2, d, true);
    yield [s, { h1, h2 }];
  }
}

/** Writes the store layout sync reads; returns the files written. */
export function writeDriftingStore(
  root: string,
  o: Omit<DriftingOptions, "seed"> & { readonly runs: number },
): string[] {
  const files: string[] = [];
  for (let r = 0; r < o.runs; r++) {
    for (const [s, layers] of driftingRun({ ...o, seed: r + 1 })) {
      for (const [layer, data] of Object.entries(layers)) {
        const dir = join(root, `run-${r}`, "activations", layer);
        mkdirSync(dir, { recursive: true });
        const file = join(dir, `step_${s}.npy`);
        writeFileSync(file, encodeNpy(data, [o.n, RELU_D]));
        files.push(file);
      }
    }
  }
  return files;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = process.argv[2];
  if (root === undefined || root.startsWith("--")) {
    console.error(
      "usage: npx tsx bench/drifting-clouds.ts <root> [--n 1000] [--steps 25] [--drift 0.01] [--runs 1]",
    );
    process.exit(2);
  }
  const files = writeDriftingStore(root, {
    n: Number(arg("n", "1000")),
    steps: Number(arg("steps", "25")),
    drift: Number(arg("drift", "0.01")),
    runs: Number(arg("runs", "1")),
  });
  console.log(`${root}: ${files.length} clouds`);
}
