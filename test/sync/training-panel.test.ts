/**
 * Sync over a local store writes each run's training curves (from <run>/metrics.jsonl) into its
 * report.html and magnitude/training.svg; a run without the file says "no training metrics logged";
 * a bad metrics.jsonl is named on the page and does not fail the sync.
 */
import { readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.js";
import { makeStore } from "../helpers/store.js";

const roots: string[] = [];
afterEach(async () => {
  for (const r of roots.splice(0)) await rm(r, { recursive: true, force: true });
});

describe("run page training curves (local)", () => {
  it("drawn from metrics.jsonl, said when missing or unreadable", async () => {
    const root = await makeStore({
      runs: {
        good: { layers: { fc1: [0, 2] } },
        none: { layers: { fc1: [0, 2] } },
        bad: { layers: { fc1: [0, 2] } },
      },
    });
    roots.push(root);
    const lines = [0, 1, 2, 3].flatMap((step) => [
      JSON.stringify({ step, key: "loss", value: 1 / (1 + step) }),
      JSON.stringify({ step, key: "test_accuracy", value: 0.2 * step }),
      JSON.stringify({ step, key: "magnitude/fc1/area", value: 9 }), // magtrack's own key: not a training curve
    ]);
    await writeFile(join(root, "good", "metrics.jsonl"), `${lines.join("\n")}\n`);
    await writeFile(join(root, "bad", "metrics.jsonl"), "{not json\n");
    const run = await cli(["sync", "--root", root]);
    expect(run.code, run.stderr).toBe(0);

    const good = await readFile(join(root, "good", "magnitude", "report.html"), "utf8");
    const section = good.slice(
      good.indexOf('<section id="training">'),
      good.indexOf('<section id="layer-0">'),
    );
    // the panels twice: two per row, and one per row for phone width (charts/page-style.ts)
    expect([...section.matchAll(/class="panel" data-metric="([^"]+)"/g)].map((m) => m[1])).toEqual([
      "loss",
      "test_accuracy",
      "loss",
      "test_accuracy",
    ]);
    // training steps 0–3, magnitude steps 0–2: one axis [0, 3] for every panel of the page
    // (2 training + 4 trend panels, each in both layouts)
    expect([...good.matchAll(/data-x-domain="([^"]+)"/g)].map((m) => m[1])).toEqual(Array(12).fill("0 3"));
    expect((await stat(join(root, "good", "magnitude", "training.svg"))).size).toBeGreaterThan(0);

    const none = await readFile(join(root, "none", "magnitude", "report.html"), "utf8");
    expect(none).toContain("No training metrics logged for this run.");
    await expect(stat(join(root, "none", "magnitude", "training.svg"))).rejects.toThrow(/ENOENT/);

    const bad = await readFile(join(root, "bad", "magnitude", "report.html"), "utf8");
    expect(bad).toMatch(/Training metrics not read: [^<]*bad\/metrics\.jsonl:1: not JSON/);
  });
});
