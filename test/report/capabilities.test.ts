/**
 * An adapter that lacks a report capability says so: without readRunMetrics the command stops with a
 * typed error naming the adapter; without writeExperimentReport the rows are computed and the report
 * is reported as not stored (and why). Uses an in-memory adapter built on the kit's contract.
 */
import { describe, expect, it } from "vitest";
import type { RunRef, TrackerAdapter } from "../../src/adapter-kit.js";
import { parseAt } from "../../src/report/at.js";
import { metricOutcome } from "../../src/report/features.js";
import { runReport } from "../../src/report/run-report.js";

function memoryAdapter(withMetrics: boolean): TrackerAdapter {
  const runs: RunRef[] = [0, 1, 2, 3].map((i) => ({ id: `r${i}`, status: "finished" }));
  return {
    name: "memory",
    async *listRuns() {
      yield* runs;
    },
    async *listActivations() {},
    async readActivation() {
      return new Uint8Array();
    },
    async readState(run) {
      const i = Number(run.id.slice(1));
      return {
        references: { fc: { layer: "fc", T: 1, step: 0, source: "pinned" } },
        written: [{ layer: "fc", step: 10, metrics: { t_conv: 4 - i, area: i * i } }],
      };
    },
    ...(withMetrics
      ? {
          async readRunMetrics(run: RunRef) {
            return { acc: [{ step: 10, value: Number(run.id.slice(1)) / 10 }] };
          },
        }
      : {}),
  };
}

describe("report capabilities", () => {
  it("an adapter that cannot read a run's own metrics: a typed error naming it", async () => {
    await expect(
      runReport({
        adapter: memoryAdapter(false),
        filter: {},
        outcomes: [metricOutcome("acc")],
        ats: parseAt("final"),
      }),
    ).rejects.toMatchObject({
      code: "REPORT_UNSUPPORTED",
      message: expect.stringMatching(/memory adapter cannot do reading a run's own metrics/),
    });
  });

  it("an adapter that cannot store a report: rows computed, not stored, and why", async () => {
    const r = await runReport({
      adapter: memoryAdapter(true),
      filter: {},
      outcomes: [metricOutcome("acc")],
      ats: parseAt("final"),
    });
    expect(r.location).toBeNull();
    expect(r.notStored).toMatch(/memory adapter cannot store a report/);
    const tconv = r.rows.find((row) => row.feature === "magnitude/fc/t_conv");
    expect(tconv?.tau).toBeCloseTo(-1, 15);
    expect(tconv?.p).toBeCloseTo(2 / 24, 15); // exact, n = 4: 2/4!
    expect(tconv?.T_distinct).toBeUndefined(); // t_conv does not depend on T
    expect(r.rows.find((row) => row.feature === "magnitude/fc/area")?.T_distinct).toBe(1);
  });
});
