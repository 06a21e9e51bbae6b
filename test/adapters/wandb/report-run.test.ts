/**
 * The W&B report run (adapters/wandb/report-run.ts) against the fake server: created once by name
 * the way wandb-core creates runs (runupserter.go: upsertBucket with group, display name, notes, job
 * type, config, tags), holding the report as run files plus summary media in the official client's
 * shapes (report-media.ts cites wandb/sdk/data_types/{table,html}.py and base_types/media.py),
 * with no history; re-running replaces it; a run of that id that is not ours is refused; training
 * runs are never touched; listRuns skips it.
 */
import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { REPORT_RUN_ID, wandbRunUrl } from "../../../adapters/wandb/report-run.js";
import type { ExperimentReport } from "../../../src/adapter-kit.js";
import type { FakeWandbServer } from "./fake-server.js";
import { adapterFor, startFake } from "./harness.js";
import { seedFinishedRun } from "./seed.js";

let fake: FakeWandbServer | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

const TABLE =
  '{"columns":["at","feature","tau"],"data":[["final","magnitude/fc1/area",0.5],["0.2","loss",null]]}';

function report(html: string, outcomes: readonly string[] = ["test_acc"]): ExperimentReport {
  return {
    files: [
      { path: "index.html", contentType: "text/html; charset=utf-8", body: html },
      ...outcomes.map((o) => ({
        path: `how-early-${o}.svg`,
        contentType: "image/svg+xml",
        body: `<svg xmlns="http://www.w3.org/2000/svg"><text>${o} ${html}</text></svg>`,
      })),
      { path: "correlations.json", contentType: "application/json", body: TABLE },
    ],
    entry: "index.html",
    summary: `verdict for ${html}`,
  };
}

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

async function setup() {
  fake = await startFake();
  const training = seedFinishedRun(fake);
  return { fake, training, adapter: adapterFor(fake) };
}

describe("wandb: the report run", () => {
  it("is created apart from training runs, holds files and summary media, no history", async () => {
    const { fake, training, adapter } = await setup();
    const before = JSON.stringify(fake.snapshot());
    const where = await adapter.writeExperimentReport!(report("<p>one</p>"));
    expect(where.location).toBe(`${fake.baseUrl}/team/proj/runs/${REPORT_RUN_ID}`);

    const rr = fake.run(REPORT_RUN_ID);
    expect(rr.displayName).toBe("magtrack report");
    expect(rr.group).toBe("magtrack");
    expect(rr.jobType).toBe("magtrack-report");
    expect(rr.tags).toEqual(["magtrack-report"]);
    expect(rr.notes).toBe("verdict for <p>one</p>");
    expect(rr.state).toBe("finished");
    expect(rr.history).toEqual([]);
    const config = JSON.parse(rr.config);
    expect(config.magtrack.value.kind).toBe("report");
    expect(config.magtrack.value.report.entry).toBe("magtrack-report/index.html");

    // The report's own files under fixed names, uploaded and marked so.
    expect(text(rr.files.get("magtrack-report/index.html")?.bytes)).toBe("<p>one</p>");
    expect(text(rr.files.get("magtrack-report/correlations.json")?.bytes)).toBe(TABLE);
    expect(rr.files.get("magtrack-report/how-early-test_acc.svg")?.uploaded).toBe(true);

    // Summary: the table as the Python client points to a summary Table (Media.to_json +
    // Table.to_json: _type, sha256, size, path, ncols, nrows, log_mode; name <key>_summary_<sha[:20]>).
    const summary = JSON.parse(rr.summary);
    const table = summary["report/correlations"];
    expect(Object.keys(table)).toEqual(["_type", "sha256", "size", "path", "ncols", "nrows", "log_mode"]);
    expect(table._type).toBe("table-file");
    expect(table.log_mode).toBe("IMMUTABLE");
    expect(table.path).toMatch(/^media\/table\/report\/correlations_summary_[0-9a-f]{20}\.table\.json$/);
    const stored = rr.files.get(table.path)!;
    expect(stored.uploaded).toBe(true);
    expect(table.sha256).toBe(sha256(stored.bytes));
    expect(table.path).toContain(`_summary_${table.sha256.slice(0, 20)}.`);
    expect(table.size).toBe(stored.bytes.byteLength);
    const parsed = JSON.parse(text(stored.bytes));
    expect([table.ncols, table.nrows]).toEqual([parsed.columns.length, parsed.data.length]);
    expect([table.ncols, table.nrows]).toEqual([3, 2]);
    // The how-early chart and the whole report as html-file media (html.py Html.to_json).
    const chart = summary["report/how_early/test_acc"];
    expect(chart._type).toBe("html-file");
    expect(chart.path).toMatch(/^media\/html\/report\/how_early\/test_acc_summary_[0-9a-f]{20}\.html$/);
    expect(text(rr.files.get(chart.path)?.bytes)).toContain("<svg");
    expect(summary["report/index"]._type).toBe("html-file");

    // The training run is exactly as before; signed URLs never saw the key.
    const after = fake.snapshot() as { name: string }[];
    expect(JSON.stringify(after.filter((r) => r.name === training.name))).toBe(
      JSON.stringify((JSON.parse(before) as { name: string }[]).filter((r) => r.name === training.name)),
    );
    expect(fake.signedWithAuth).toBe(0);
  });

  it("re-running replaces the report: same file names overwritten, summary to the new table, one run", async () => {
    const { fake, adapter } = await setup();
    await adapter.writeExperimentReport!(report("<p>one</p>", ["test_acc", "gap"]));
    const rr = fake.run(REPORT_RUN_ID);
    // A key someone else put into the summary stays.
    const withUserKey = { ...JSON.parse(rr.summary), note: "kept" };
    rr.summary = JSON.stringify(withUserKey);
    const oldTable = JSON.parse(rr.summary)["report/correlations"].path;

    const changed = report("<p>two</p>", ["test_acc"]);
    const newTable = '{"columns":["at"],"data":[["final"]]}';
    const files = changed.files.map((f) => (f.path === "correlations.json" ? { ...f, body: newTable } : f));
    const second = await adapter.writeExperimentReport!({ ...changed, files });
    expect(second.location).toBe(`${fake.baseUrl}/team/proj/runs/${REPORT_RUN_ID}`);

    expect(fake.runs.filter((r) => r.name === REPORT_RUN_ID)).toHaveLength(1);
    expect(text(rr.files.get("magtrack-report/index.html")?.bytes)).toBe("<p>two</p>");
    expect(text(rr.files.get("magtrack-report/correlations.json")?.bytes)).toBe(newTable);
    const summary = JSON.parse(rr.summary);
    expect(summary["report/correlations"].path).not.toBe(oldTable);
    expect(JSON.parse(text(rr.files.get(summary["report/correlations"].path)?.bytes))).toEqual(
      JSON.parse(newTable),
    );
    expect([summary["report/correlations"].ncols, summary["report/correlations"].nrows]).toEqual([1, 1]);
    expect(summary["report/how_early/gap"]).toBeUndefined(); // that outcome is no longer reported
    expect(summary.note).toBe("kept");
    expect(rr.notes).toBe("verdict for <p>two</p>");
    expect(rr.state).toBe("finished");
    expect(rr.history).toEqual([]);
    const creates = fake.log.filter(
      (r) => r.operationName === "UpsertBucket" && r.variables?.name !== undefined,
    );
    expect(creates).toHaveLength(1);
  });

  it("a report cut before `complete` leaves the run unfinished; the next report finishes it", async () => {
    const { fake, adapter } = await setup();
    // 400 is not retried: the summary post arrived, the `complete` post did not.
    fake.failNext(400, 1, { path: /file_stream$/, bodyIncludes: '"complete"' });
    await expect(adapter.writeExperimentReport!(report("<p>one</p>"))).rejects.toThrow();
    expect(fake.run(REPORT_RUN_ID).state).toBe("running");
    await adapter.writeExperimentReport!(report("<p>two</p>"));
    const rr = fake.run(REPORT_RUN_ID);
    expect(rr.state).toBe("finished");
    expect(text(rr.files.get("magtrack-report/index.html")?.bytes)).toBe("<p>two</p>");
    expect(fake.runs.filter((r) => r.name === REPORT_RUN_ID)).toHaveLength(1);
  });

  it("refuses a run of that id that is not magtrack's report run, and leaves it alone", async () => {
    const { fake, adapter } = await setup();
    fake.addRun({ name: REPORT_RUN_ID, summary: '{"acc": 0.9}' });
    const before = JSON.stringify(fake.snapshot());
    await expect(adapter.writeExperimentReport!(report("<p>x</p>"))).rejects.toMatchObject({
      code: "WANDB_REPORT_RUN_CONFLICT",
      message: expect.stringContaining(`team/proj/${REPORT_RUN_ID} exists but is not magtrack's report run`),
    });
    expect(JSON.stringify(fake.snapshot())).toBe(before);
  });

  it("listRuns (what sync iterates) skips the report run", async () => {
    const { training, adapter } = await setup();
    await adapter.writeExperimentReport!(report("<p>r</p>"));
    const ids: string[] = [];
    for await (const r of adapter.listRuns({})) ids.push(r.id);
    expect(ids).toEqual([training.name]);
  });
});

describe("wandbRunUrl (wandb/util.py api_to_app_url, wandb_settings.py run_url)", () => {
  it("maps the API address to the UI address as the official client does", () => {
    expect(wandbRunUrl("https://api.wandb.ai", "team", "proj", "magtrack-report")).toBe(
      "https://wandb.ai/team/proj/runs/magtrack-report",
    );
    expect(wandbRunUrl("https://api.example.com/", "t", "p", "r")).toBe("https://app.example.com/t/p/runs/r");
    expect(wandbRunUrl("http://localhost:8080", "t", "p", "r")).toBe("http://localhost:8080/t/p/runs/r");
  });
});
