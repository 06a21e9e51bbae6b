/** Build small local stores for pipeline tests: clouds from the golden LCG so they are reproducible. */
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { encodeNpy } from "../../src/io/npy-write.js";

/** x ← (1103515245·x + 12345) mod 2^31, u = x / 2^31 (../shared/golden/README.md). */
export function lcgUniform(seed: number, count: number): Float64Array {
  const out = new Float64Array(count);
  let x = BigInt(seed);
  for (let i = 0; i < count; i++) {
    x = (1103515245n * x + 12345n) % 2147483648n;
    out[i] = Number(x) / 2147483648;
  }
  return out;
}

/** A cloud for (layer, step): uniform points that contract a little with the step, so curves differ. */
export function stepCloud(seed: number, n: number, d: number, step: number): Float64Array {
  const u = lcgUniform(seed, n * d);
  const s = 1 / (1 + 0.1 * step);
  return u.map((v) => v * s);
}

export interface StoreSpec {
  runs: Record<string, { layers: Record<string, number[]>; status?: string; startTime?: number }>;
  n?: number;
  d?: number;
}

export async function makeStore(spec: StoreSpec, root?: string): Promise<string> {
  const dir = root ?? (await mkdtemp(join(tmpdir(), "magtrack-store-")));
  const n = spec.n ?? 40;
  const d = spec.d ?? 4;
  let seed = 11;
  for (const [run, r] of Object.entries(spec.runs)) {
    await mkdir(join(dir, run), { recursive: true });
    await writeFile(
      join(dir, run, "run.json"),
      JSON.stringify({
        name: run,
        status: r.status ?? "finished",
        startTime: r.startTime ?? Date.UTC(2026, 10, 1),
      }),
    );
    for (const [layer, steps] of Object.entries(r.layers)) {
      seed++;
      for (const step of steps) await writeStep(dir, run, layer, step, stepCloud(seed, n, d, step), n, d);
    }
  }
  return dir;
}

export async function writeStep(
  root: string,
  run: string,
  layer: string,
  step: number,
  data: Float64Array,
  n: number,
  d: number,
): Promise<void> {
  const path = join(root, run, "activations", layer, `step_${step}.npy`);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, encodeNpy(data, [n, d]));
}

export interface StoredLine {
  layer: string;
  step: number;
  metrics: Record<string, number | string>;
  curve?: { t: number[]; magnitude: number[] };
}

export async function readResultLines(root: string, run: string): Promise<StoredLine[]> {
  let text: string;
  try {
    text = await readFile(join(root, run, "magnitude", "metrics.jsonl"), "utf8");
  } catch {
    return [];
  }
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as StoredLine);
}
