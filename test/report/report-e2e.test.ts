/**
 * sync + report end to end, on the local store and on the MLflow and W&B fake servers. The runs are one base
 * cloud scaled by s_i per run (and contracting with the step), with the outcome test_accuracy = s_i:
 * t_conv scales as 1/s (magnitude is scale-covariant: Mag(t·sX) = Mag(st·X)), so its Kendall τ-b
 * with the outcome is exactly −1 and, for n = 5 untied runs, scipy.stats.kendalltau's exact two-sided
 * p is 2/5! = 1/60 (the identity permutation is the only one with no discordant pair).
 */
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { encodeNpy } from "../../src/io/npy-write.js";
import { FakeMlflowServer } from "../adapters/mlflow/fake-server.js";
import type { FakeWandbServer } from "../adapters/wandb/fake-server.js";
import { startFake, TEST_KEY } from "../adapters/wandb/harness.js";
import { cli } from "../helpers/cli.js";
import { makeStore, stepCloud } from "../helpers/store.js";

const SCALES = [0.5, 1, 2, 3, 5];
/** A param unrelated in order to the scale, and a training loss in the opposite order. */
const LRS = [0.3, 0.01, 0.1, 0.03, 1];
const STEPS = [0, 5, 10];
const N = 30;
const D = 3;

function cloud(scale: number, step: number): Float64Array {
  return stepCloud(7, N, D, step).map((v) => v * scale);
}

function ownMetrics(scale: number): { step: number; key: string; value: number }[] {
  return STEPS.flatMap((step) => [
    { step, key: "test_accuracy", value: step === 10 ? scale : scale * (0.5 + step / 20) },
    { step, key: "train_loss", value: 1 / (1 + step) + 10 / scale },
  ]);
}

type Row = {
  type: string;
  feature: string;
  kind: string;
  at: string;
  outcome: string;
  n: number;
  tau: number;
  p: number;
  q: number | null;
};
const lines = (out: string) =>
  out
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));

function expectTConvRow(rows: Row[]): void {
  const row = rows.find(
    (r) => r.type === "correlation" && r.feature === "magnitude/fc/t_conv" && r.at === "final",
  );
  expect(row, JSON.stringify(rows.slice(0, 3))).toBeDefined();
  expect(row!.kind).toBe("magnitude");
  expect(row!.outcome).toBe("test_accuracy");
  expect(row!.n).toBe(5);
  expect(row!.tau).toBeCloseTo(-1, 12);
  expect(row!.p).toBeCloseTo(1 / 60, 12);
  expect(row!.q).not.toBeNull();
  const loss = rows.find((r) => r.feature === "train_loss" && r.at === "final");
  expect(loss?.kind).toBe("baseline");
  expect(loss?.tau).toBeCloseTo(-1, 12);
  const lr = rows.find((r) => r.feature === "param:lr" && r.at === "final");
  expect(lr?.kind).toBe("baseline");
  // LRS against SCALES: pairs concordant 6, discordant 4 → τ = 2/10
  expect(lr?.tau).toBeCloseTo(0.2, 12);
}

async function hashTree(dir: string): Promise<string> {
  const h = createHash("sha256");
  const walk = async (rel: string) => {
    for (const e of (await readdir(join(dir, rel), { withFileTypes: true })).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const path = join(rel, e.name);
      if (e.isDirectory()) await walk(path);
      else h.update(path).update(await readFile(join(dir, path)));
    }
  };
  await walk("");
  return h.digest("hex");
}

describe("magtrack report on the local store", () => {
  it("sync, then report: rows as NDJSON, the HTML under the root, never listed as a run, re-run harmless", async () => {
    const runs = Object.fromEntries(SCALES.map((_, i) => [`run-${i}`, { layers: {} }]));
    const root = await makeStore({ runs, n: N, d: D });
    for (const [i, scale] of SCALES.entries()) {
      const dir = join(root, `run-${i}`);
      for (const step of STEPS) {
        await mkdir(join(dir, "activations", "fc"), { recursive: true });
        await writeFile(
          join(dir, "activations", "fc", `step_${step}.npy`),
          encodeNpy(cloud(scale, step), [N, D]),
        );
      }
      await writeFile(
        join(dir, "metrics.jsonl"),
        ownMetrics(scale)
          .map((l) => JSON.stringify(l))
          .join("\n") + "\n",
      );
      await writeFile(join(dir, "params.json"), JSON.stringify({ lr: LRS[i], optimizer: "sgd" }));
    }
    const sync = await cli(["sync", "--root", root, "--workers", "1", "--json"]);
    expect(sync.code, sync.stderr).toBe(0);

    const args = ["report", "--root", root, "--outcome", "test_accuracy", "--at", "final,0.5", "--json"];
    const first = await cli(args);
    expect(first.code, first.stderr).toBe(0);
    const out = lines(first.stdout) as Row[];
    expectTConvRow(out);
    const last = out.at(-1) as unknown as { type: string; location: string; runs: number };
    expect(last).toMatchObject({
      type: "report",
      runs: 5,
      location: join(root, "magtrack-report", "index.html"),
    });
    const html = await readFile(last.location, "utf8");
    expect(html).toContain("magnitude/fc/t_conv");
    expect(html).toContain("Reference scale T of each run");
    expect(await readFile(join(root, "magtrack-report", "how-early-test_accuracy.svg"), "utf8")).toContain(
      "<svg",
    );

    // a second sync sees 5 runs (the report folder is no run) and writes nothing
    const resync = await cli(["sync", "--root", root, "--workers", "1", "--json"]);
    expect(lines(resync.stdout).at(-1)).toMatchObject({ type: "summary", runs: 5, stepsWritten: 0 });
    // re-running the report replaces it and leaves every training run's files as they were
    const before = await Promise.all(SCALES.map((_, i) => hashTree(join(root, `run-${i}`))));
    const second = await cli(args);
    expect(second.code).toBe(0);
    expect(lines(second.stdout).filter((r) => r.type === "correlation")).toEqual(
      out.filter((r) => r.type === "correlation"),
    );
    expect(await Promise.all(SCALES.map((_, i) => hashTree(join(root, `run-${i}`))))).toEqual(before);
  });

  it("says so when there is nothing to correlate, and refuses a report without an outcome", async () => {
    const root = await makeStore({ runs: { a: { layers: { fc: [0] } } } });
    const none = await cli(["report", "--root", root, "--outcome", "test_accuracy"]);
    expect(none.code).toBe(0);
    expect(none.stdout).toMatch(/Nothing to report: 0 runs with magnitude results/);
    const usage = await cli(["report", "--root", root]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--outcome KEY/);
  });
});

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

describe("magtrack report on the MLflow fake server", () => {
  it("sync, then report into a dedicated report run that the next sync skips", async () => {
    const server = new FakeMlflowServer();
    server.seed(
      SCALES.map((scale, i) => ({
        id: `run${i}`,
        status: "FINISHED",
        startTime: Date.UTC(2026, 0, 1) + i,
        files: Object.fromEntries(
          STEPS.map((s) => [`activations/fc/step_${s}.npy`, encodeNpy(cloud(scale, s), [N, D])]),
        ),
        params: { lr: String(LRS[i]) },
      })),
    );
    for (const [i, scale] of SCALES.entries()) {
      const run = server.runs.get(`run${i}`)!;
      for (const m of ownMetrics(scale)) run.metrics.push({ ...m, timestamp: Date.UTC(2026, 0, 1) + m.step });
    }
    const url = await server.start();
    stops.push(() => server.stop());
    const env = { MLFLOW_TRACKING_URI: url };
    const base = ["--tracker", "mlflow", "--experiment", "magtrack-test", "--json"];
    const sync = await cli(["sync", ...base, "--workers", "1"], { env });
    expect(sync.code, sync.stderr).toBe(0);
    const training = JSON.stringify(server.snapshot());

    const report = await cli(["report", ...base, "--outcome", "test_accuracy", "--at", "final,0.5"], { env });
    expect(report.code, report.stderr).toBe(0);
    const out = lines(report.stdout) as Row[];
    expectTConvRow(out);
    const reportRuns = [...server.runs.values()].filter((r) => r.tags.get("magtrack.kind") === "report");
    expect(reportRuns).toHaveLength(1);
    expect(reportRuns[0]!.metrics).toEqual([]);
    expect([...reportRuns[0]!.artifacts.keys()].sort()).toEqual([
      "correlations.json",
      "how-early-test_accuracy.svg",
      "index.html",
    ]);
    expect((out.at(-1) as unknown as { location: string }).location).toContain(
      `/runs/${reportRuns[0]!.runId}`,
    );
    // the training runs hold exactly what the sync left
    const after = server.snapshot() as Record<string, unknown>;
    const was = JSON.parse(training) as Record<string, unknown>;
    for (const id of Object.keys(was)) expect(after[id]).toEqual(was[id]);

    const resync = await cli(["sync", ...base, "--workers", "1"], { env });
    expect(lines(resync.stdout).at(-1)).toMatchObject({ type: "summary", runs: 5, stepsWritten: 0 });
    await cli(["report", ...base, "--outcome", "test_accuracy"], { env });
    expect([...server.runs.values()].filter((r) => r.tags.get("magtrack.kind") === "report")).toHaveLength(1);
  });
});

describe("magtrack report on the W&B fake server", () => {
  it("sync, then report from history and config into a dedicated report run; training runs untouched; a re-run replaces it", async () => {
    const fake: FakeWandbServer = await startFake();
    stops.push(() => fake.stop());
    const seeded = SCALES.map((scale, i) =>
      fake.addRun({
        name: `run${i}`,
        createdAt: Date.UTC(2026, 0, 1) + i,
        // history rows as the W&B client logs them (wandb.log(..., step=N) sets _step)
        history: STEPS.map((step) => {
          const own = Object.fromEntries(
            ownMetrics(scale)
              .filter((m) => m.step === step)
              .map((m) => [m.key, m.value]),
          );
          return JSON.stringify({ _step: step, _runtime: step, _timestamp: 1767225600 + step, ...own });
        }),
        config: JSON.stringify({ lr: { desc: null, value: LRS[i] }, _wandb: { value: { t: { "1": [1] } } } }),
        summary: JSON.stringify({ _step: 10 }),
        artifacts: [
          {
            type: "activations",
            sequence: `acts-${i}`,
            // names inside an artifact are relative to its root (art.add_dir("activations"))
            files: Object.fromEntries(
              STEPS.map((s) => [`fc/step_${s}.npy`, encodeNpy(cloud(scale, s), [N, D])]),
            ),
          },
        ],
      }),
    );
    const env = { WANDB_API_KEY: TEST_KEY, WANDB_BASE_URL: fake.baseUrl };
    const base = ["--tracker", "wandb", "--entity", "team", "--project", "proj", "--json"];
    const sync = await cli(["sync", ...base, "--workers", "1"], { env });
    expect(sync.code, sync.stdout + sync.stderr).toBe(0);
    // What each training run holds after the sync (history, summary, config, files), as text.
    const training = () =>
      JSON.stringify((fake.snapshot() as { name: string }[]).filter((r) => r.name !== "magtrack-report"));
    const synced = training();
    const histories = seeded.map((r) => [...r.history]);
    const report = await cli(["report", ...base, "--outcome", "test_accuracy", "--at", "final,0.5"], { env });
    expect(report.code, report.stderr).toBe(0);
    const out = lines(report.stdout) as Row[];
    expectTConvRow(out);
    expect(out.at(-1)).toMatchObject({
      type: "report",
      location: `${fake.baseUrl}/team/proj/runs/magtrack-report`,
      runs: 5,
    });
    const rr = fake.run("magtrack-report");
    expect(rr.state).toBe("finished");
    expect(rr.history).toEqual([]); // no rows that would clutter the workspace charts
    expect(JSON.parse(rr.config).magtrack.value.kind).toBe("report");
    expect([...rr.files.keys()].filter((k) => k.startsWith("magtrack-report/")).sort()).toEqual([
      "magtrack-report/correlations.json",
      "magtrack-report/how-early-test_accuracy.svg",
      "magtrack-report/index.html",
    ]);
    // The summary table holds the correlation rows the command printed.
    const pointer = JSON.parse(rr.summary)["report/correlations"];
    expect(pointer._type).toBe("table-file");
    const table = JSON.parse(new TextDecoder().decode(rr.files.get(pointer.path)!.bytes));
    const col = (name: string) => table.columns.indexOf(name);
    const tconv = table.data.find(
      (row: unknown[]) => row[col("feature")] === "magnitude/fc/t_conv" && row[col("at")] === "final",
    );
    expect(tconv[col("tau")]).toBeCloseTo(-1, 12);
    expect(tconv[col("p")]).toBeCloseTo(1 / 60, 12);
    expect(table.data).toHaveLength(out.filter((r) => r.type === "correlation").length);
    // the report wrote nothing into the training runs
    expect(seeded.map((r) => r.history)).toEqual(histories);
    expect(training()).toBe(synced);

    // sync skips the report run; a second report replaces it (new table file, same run, same names)
    const resync = await cli(["sync", ...base, "--workers", "1"], { env });
    expect(lines(resync.stdout).at(-1)).toMatchObject({ type: "summary", runs: 5, stepsWritten: 0 });
    const again = await cli(["report", ...base, "--outcome", "train_loss", "--at", "final"], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(fake.runs.filter((r) => r.name === "magtrack-report")).toHaveLength(1);
    const summary = JSON.parse(rr.summary);
    expect(summary["report/correlations"].path).not.toBe(pointer.path);
    expect(Object.keys(summary).filter((k) => k.startsWith("report/how_early/"))).toEqual([
      "report/how_early/train_loss",
    ]);
    const index = new TextDecoder().decode(rr.files.get("magtrack-report/index.html")!.bytes);
    expect(index).toContain("train_loss");
    expect(training()).toBe(synced);
    expect(report.stdout + report.stderr).not.toContain(TEST_KEY);
  });
});
