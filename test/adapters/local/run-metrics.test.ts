/**
 * The local adapter's report capabilities: a run's own metrics.jsonl (the demo's layout) and
 * params.json / run.json params, and the report folder that run discovery never lists.
 */
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createLocalAdapter } from "../../../adapters/local/index.js";
import type { RunRef } from "../../../src/adapter-kit.js";

async function store(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "magtrack-runmetrics-"));
  await mkdir(join(root, "a"), { recursive: true });
  const lines = [
    { step: 0, key: "loss", value: 2 },
    { step: 0, key: "test_accuracy", value: 0.25 },
    { step: 1, key: "loss", value: 1.5 },
    { step: 1, key: "loss", value: 1.25 }, // the same step again: the last line wins
    { step: 2, key: "loss", value: "NaN" },
    { step: 1, key: "magnitude/fc1/area", value: 3 },
  ];
  await writeFile(join(root, "a", "metrics.jsonl"), lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
  await writeFile(join(root, "a", "params.json"), JSON.stringify({ lr: 0.1, widths: [64, 64], opt: "sgd" }));
  await mkdir(join(root, "b"), { recursive: true });
  await writeFile(join(root, "b", "run.json"), JSON.stringify({ name: "b", params: { lr: 0.01 } }));
  return root;
}

const ref = (root: string, id: string): RunRef => ({ id, container: root, status: "finished" });

describe("local adapter: a run's own metrics and params", () => {
  it("reads metrics.jsonl as step-ordered histories, the last line of a step winning, kept keys only", async () => {
    const root = await store();
    const adapter = createLocalAdapter({ root });
    const metrics = await adapter.readRunMetrics!(ref(root, "a"), (k) => !k.startsWith("magnitude/"));
    expect(Object.keys(metrics).sort()).toEqual(["loss", "test_accuracy"]);
    expect(metrics.loss?.map((p) => p.step)).toEqual([0, 1, 2]);
    expect(metrics.loss?.[1]?.value).toBe(1.25);
    expect(metrics.loss?.[2]?.value).toBeNaN();
    expect(await adapter.readRunMetrics!(ref(root, "b"), () => true)).toEqual({});
  });

  it("reads params.json, else run.json's params, every value as text", async () => {
    const root = await store();
    const adapter = createLocalAdapter({ root });
    expect(await adapter.readRunParams!(ref(root, "a"))).toEqual({
      lr: "0.1",
      widths: "[64,64]",
      opt: "sgd",
    });
    expect(await adapter.readRunParams!(ref(root, "b"))).toEqual({ lr: "0.01" });
  });

  it("refuses a line that does not parse, naming the file and line", async () => {
    const root = await store();
    await writeFile(join(root, "a", "metrics.jsonl"), '{"step":0,"key":"loss","value":1}\n{"step":"x"}\n');
    const adapter = createLocalAdapter({ root });
    await expect(adapter.readRunMetrics!(ref(root, "a"), () => true)).rejects.toThrow(
      /a\/metrics\.jsonl:2: expected/,
    );
  });
});

describe("local adapter: the report folder is never a run", () => {
  const report = {
    files: [{ path: "index.html", contentType: "text/html", body: "<p>r</p>" }],
    entry: "index.html",
    summary: "s",
  };

  it("writes <root>/magtrack-report with a marker, and listRuns skips it", async () => {
    const root = await store();
    const adapter = createLocalAdapter({ root });
    const where = await adapter.writeExperimentReport!(report);
    expect(where.location).toBe(join(root, "magtrack-report", "index.html"));
    const ids: string[] = [];
    for await (const r of adapter.listRuns({})) ids.push(r.id);
    expect(ids).toEqual(["a", "b"]);
  });

  it("re-running replaces the files and removes only what the previous report listed", async () => {
    const root = await store();
    const adapter = createLocalAdapter({ root });
    await adapter.writeExperimentReport!({
      ...report,
      files: [...report.files, { path: "old.svg", contentType: "image/svg+xml", body: "<svg/>" }],
    });
    await writeFile(join(root, "magtrack-report", "mine.txt"), "a user's note");
    await adapter.writeExperimentReport!({ ...report, files: [{ ...report.files[0]!, body: "<p>new</p>" }] });
    expect(await readFile(join(root, "magtrack-report", "index.html"), "utf8")).toBe("<p>new</p>");
    await expect(readFile(join(root, "magtrack-report", "old.svg"))).rejects.toThrow(/ENOENT/);
    expect(await readFile(join(root, "magtrack-report", "mine.txt"), "utf8")).toBe("a user's note");
  });

  it("never writes into a run that happens to be called magtrack-report", async () => {
    const root = await store();
    await mkdir(join(root, "magtrack-report", "activations"), { recursive: true });
    const adapter = createLocalAdapter({ root });
    await expect(adapter.writeExperimentReport!(report)).rejects.toThrow(/not a magtrack report folder/);
    const ids: string[] = [];
    for await (const r of adapter.listRuns({})) ids.push(r.id);
    expect(ids).toContain("magtrack-report");
  });
});
