/**
 * `magtrack report --alert RULE` (src/report/alert-rules.ts) on a hand-made local store whose
 * magtrack results and own metrics are written by hand: which finished runs a rule would have fired
 * on, at which step and fraction, and the median outcome of each group, all worked out below.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.js";

const roots: string[] = [];
afterEach(async () => {
  for (const r of roots.splice(0)) await rm(r, { recursive: true, force: true });
});

/** run → [status, step at which fc collapses (null: never), final test_accuracy] */
const RUNS: Record<string, [string, number | null, number]> = {
  r1: ["finished", null, 0.9],
  r2: ["finished", 5, 0.3],
  r3: ["finished", null, 0.8],
  r4: ["finished", 10, 0.4],
  r5: ["finished", null, 0.7],
  r6: ["running", 0, 0.1], // collapses too, but is not finished: not counted
};
const STEPS = [0, 5, 10];

async function store(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "magtrack-report-alerts-"));
  roots.push(root);
  for (const [i, [id, [status, collapseAt, accuracy]]] of Object.entries(RUNS).entries()) {
    await mkdir(join(root, id, "magnitude"), { recursive: true });
    await writeFile(join(root, id, "run.json"), JSON.stringify({ name: id, status, startTime: i }));
    const results = STEPS.map((step) => {
      const dead = collapseAt !== null && step >= collapseAt;
      return JSON.stringify({
        layer: "fc",
        step,
        metrics: { n_distinct: dead ? 1 : 30, t_conv: dead ? "NaN" : 2 + i + step / 10 },
      });
    });
    await writeFile(join(root, id, "magnitude", "metrics.jsonl"), `${results.join("\n")}\n`);
    const own = STEPS.map((step) =>
      JSON.stringify({ step, key: "test_accuracy", value: step === 10 ? accuracy : accuracy / 2 }),
    );
    await writeFile(join(root, id, "metrics.jsonl"), `${own.join("\n")}\n`);
  }
  return root;
}

const collapse = "magnitude/*/n_distinct < 2";
const never = "magnitude/*/t_conv > 100";

describe("report --alert", () => {
  it("--json: one alert-rule line per rule with the runs it fired on and the median outcome per group", async () => {
    const root = await store();
    const res = await cli([
      "report",
      "--root",
      root,
      "--outcome",
      "test_accuracy",
      "--json",
      "--alert",
      collapse,
      "--alert",
      never,
    ]);
    expect(res.code, res.stderr).toBe(0);
    const lines = res.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l))
      .filter((l) => l.type === "alert-rule");
    expect(lines).toHaveLength(2);
    // r2 collapses at step 5 of 10 (fraction 0.5), r4 at step 10 (fraction 1); r6 is running.
    // fired: r2, r4 → median(0.3, 0.4) = 0.35, n = 2; not fired: r1, r3, r5 → median 0.8, n = 3
    expect(lines[0]).toMatchObject({
      rule: collapse,
      runs: 5,
      fired: [
        { run: "r2", key: "magnitude/fc/n_distinct", step: 5, fraction: 0.5 },
        { run: "r4", key: "magnitude/fc/n_distinct", step: 10, fraction: 1 },
      ],
      outcomes: [
        { outcome: "test_accuracy", fired: { n: 2, median: 0.35 }, not_fired: { n: 3, median: 0.8 } },
      ],
    });
    expect(lines[0].summary).toContain("fewer than 3 runs in a group, so this says nothing");
    expect(lines[1]).toMatchObject({
      rule: never,
      runs: 5,
      fired: [],
      outcomes: [
        { outcome: "test_accuracy", fired: { n: 0, median: null }, not_fired: { n: 5, median: 0.7 } },
      ],
      summary: `"${never}" would not have fired on any of the 5 finished runs.`,
    });
    // the report page holds the section
    const html = await readFile(join(root, "magtrack-report", "index.html"), "utf8");
    expect(html).toContain("Alert rules on the finished runs");
    expect(html).toContain("magnitude/*/n_distinct &lt; 2");
  });

  it("a bad rule is a usage error (exit 2) naming it", async () => {
    const root = await store();
    const res = await cli(["report", "--root", root, "--outcome", "test_accuracy", "--alert", "dim > 3"]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('--alert "dim > 3"');
  });
});
