/**
 * Issue 11: a dead layer (every probe row identical → one distinct row, Mag ≡ 1) is written with what
 * is defined and a collapsed flag, is not read again by the next sync, and a layer that collapses
 * later is flagged too.
 */
import { readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.js";
import { makeStore, readResultLines, writeStep } from "../helpers/store.js";

const roots: string[] = [];
afterEach(async () => {
  for (const r of roots.splice(0)) await rm(r, { recursive: true, force: true });
});

describe("collapsed layers", () => {
  it("a dead layer is written (n_points, n_distinct = 1, Mag ≡ 1, collapsed = 1) and not read again", async () => {
    const root = await makeStore({ runs: { a: { layers: { fc1: [0] } } } });
    roots.push(root);
    for (const step of [0, 1])
      await writeStep(root, "a", "dead", step, new Float64Array(40 * 4).fill(0.5), 40, 4);
    const first = await cli(["sync", "--root", root]);
    expect(first.code).toBe(0);
    const dead = (await readResultLines(root, "a")).filter((l) => l.layer === "dead");
    expect(dead.map((l) => l.step)).toEqual([0, 1]);
    for (const l of dead) {
      expect(l.metrics).toMatchObject({ n_points: 40, n_distinct: 1, mag_T: 1, area: 1, collapsed: 1 });
    }
    const csv = await readFile(join(root, "a", "magnitude", "metrics.csv"), "utf8");
    expect(csv).toContain("dead,0,collapsed,1");

    const jsonl = join(root, "a", "magnitude", "metrics.jsonl");
    const mtime = (await stat(jsonl)).mtimeMs;
    const second = await cli(["sync", "--root", root, "--json"]);
    expect(second.code).toBe(0);
    expect(second.stdout).not.toContain('"step-done"');
    expect(second.stdout).toContain('"run-unchanged"');
    expect((await stat(jsonl)).mtimeMs).toBe(mtime);
  });

  it("a layer that collapses at a later step is flagged on its T", async () => {
    const root = await makeStore({ runs: { a: { layers: { fc1: [0] } } } });
    roots.push(root);
    await writeStep(root, "a", "fc1", 1, new Float64Array(40 * 4).fill(-2), 40, 4);
    expect((await cli(["sync", "--root", root])).code).toBe(0);
    const lines = await readResultLines(root, "a");
    const refs = JSON.parse(await readFile(join(root, "a", "magnitude", "references.json"), "utf8"));
    const late = lines.find((l) => l.step === 1)!;
    expect(late.metrics).toMatchObject({ n_distinct: 1, collapsed: 1, mag_T: 1 });
    expect(late.curve!.t.at(-1)).toBe(refs.fc1.T);
    expect(lines.find((l) => l.step === 0)!.metrics.collapsed).toBeUndefined();
  });
});
