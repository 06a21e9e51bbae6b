/**
 * The pipeline on worker threads (the CLI's default, --workers > 1) writes what the in-process
 * pipeline writes: the same steps, the same metrics and curves within 1e-9 relative (the threads keep
 * the preconditioners of the steps each saw: test/helpers/close-results.ts).
 */
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.js";
import { expectCloseResults } from "../helpers/close-results.js";
import { makeStore, writeStep } from "../helpers/store.js";

const roots: string[] = [];
afterEach(async () => {
  for (const r of roots.splice(0)) await rm(r, { recursive: true, force: true });
});

describe("sync on worker threads", () => {
  it("writes the in-process sync's results, every step once", async () => {
    const spec = {
      runs: { a: { layers: { fc1: [0, 1, 2, 3], fc2: [0, 2, 4] } }, b: { layers: { fc1: [0, 7] } } },
      n: 90,
      d: 6,
    };
    const pooled = await makeStore(spec);
    const inProcess = await makeStore(spec);
    roots.push(pooled, inProcess);
    const p = await cli(["sync", "--root", pooled, "--workers", "2", "--json"]);
    const q = await cli(["sync", "--root", inProcess, "--workers", "1", "--json"]);
    expect(p.code, p.stderr).toBe(0);
    expect(q.code, q.stderr).toBe(0);
    for (const run of ["a", "b"]) {
      const got = await readFile(join(pooled, run, "magnitude", "metrics.jsonl"), "utf8");
      const want = await readFile(join(inProcess, run, "magnitude", "metrics.jsonl"), "utf8");
      const lines = (text: string) =>
        text
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l));
      expectCloseResults(lines(got), lines(want));
      const steps = got
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l))
        .map((l) => `${l.layer}@${l.step}`);
      expect(new Set(steps).size).toBe(steps.length);
    }
    expect(JSON.parse(p.stdout.trim().split("\n").at(-1)!)).toMatchObject({ stepsWritten: 9, failed: 0 });
  });

  it("a step that waits for its layer's T is computed after the cloud went to a worker once", async () => {
    // Regression: the pool transferred (detached) the cloud's buffer; the waiting step reused it.
    const root = await makeStore({ runs: { a: { layers: { fc1: [1] } } } });
    roots.push(root);
    await writeStep(root, "a", "fc1", 0, new Float64Array(40 * 4).fill(0.5), 40, 4);
    const out = await cli(["sync", "--root", root, "--workers", "2", "--json"]);
    expect(out.code, out.stdout).toBe(0);
    expect(JSON.parse(out.stdout.trim().split("\n").at(-1)!)).toMatchObject({ stepsWritten: 2, failed: 0 });
  });

  it("rejects a bad --workers value with exit 2", async () => {
    const root = await makeStore({ runs: {} });
    roots.push(root);
    const out = await cli(["sync", "--root", root, "--workers", "0"]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("--workers must be an integer in [1, 64]");
  });
});
