/**
 * The report's rows and verdicts on synthetic runs whose answers are known by construction: a feature
 * equal to the outcome's order (τ = 1), a baseline that is stronger, a control param that explains an
 * association, the outcome's own key left out of the baselines at the final step, mixed scales T.
 */
import { describe, expect, it } from "vitest";
import type { MetricPoint } from "../../src/adapter-kit.js";
import { kendallTau } from "../../src/analysis/index.js";
import { parseAt } from "../../src/report/at.js";
import { correlateAll } from "../../src/report/correlate.js";
import { baselineFeatures, magnitudeFeatures, metricOutcome } from "../../src/report/features.js";
import { howEarly } from "../../src/report/how-early.js";
import { renderHowEarlySvg } from "../../src/report/how-early-svg.js";
import type { RunData } from "../../src/report/types.js";
import { verdictFor } from "../../src/report/verdict.js";
import { byClass, parseXml } from "../charts/xml-check.js";

const series = (values: number[]): MetricPoint[] => values.map((value, i) => ({ step: i * 5, value }));

/** run i: outcome acc = outcome[i]; magnitude area rising with `area[i]`; loss falling with `loss[i]`. */
function run(i: number, acc: number, area: number, loss: number, noise: string, T: number): RunData {
  return {
    run: { id: `r${i}`, status: "finished" },
    magnitude: { "magnitude/fc/area": series([1, (1 + area) / 2, area]) },
    own: { acc: series([0.1, acc / 2, acc]), loss: series([3, 2, loss]) },
    params: { noise, lr: String(0.01 * (i + 1)) },
    references: { fc: { layer: "fc", T, step: 0, source: "t_conv(q=0.95)@step 0" } },
    settings: {},
    lastStep: 10,
  };
}

// within each noise level area increases with acc, but across levels area falls while acc rises
const runs = [
  run(0, 0.9, 5, 0.1, "0", 2),
  run(1, 0.8, 4, 0.2, "0", 2),
  run(2, 0.7, 3, 0.3, "0", 2),
  run(3, 0.6, 9, 0.4, "0.4", 3),
  run(4, 0.5, 8, 0.5, "0.4", 3),
  run(5, 0.4, 7, 0.6, "0.4", 3),
];

describe("report rows", () => {
  const features = [...magnitudeFeatures(runs), ...baselineFeatures(runs)];
  const { rows } = correlateAll(runs, features, [metricOutcome("acc")], parseAt("final,0.5"), {
    control: "noise",
  });
  const row = (feature: string, at = "final") => rows.find((r) => r.feature === feature && r.at === at);

  it("computes τ-b as kendallTau does on the runs' values, with n, and q only for magnitude rows", () => {
    const area = row("magnitude/fc/area")!;
    expect(area.n).toBe(6);
    expect(area.tau).toBeCloseTo(kendallTau([5, 4, 3, 9, 8, 7], [0.9, 0.8, 0.7, 0.6, 0.5, 0.4]).tau, 15);
    expect(area.q).not.toBeNull();
    expect(row("loss")!.q).toBeNull();
    expect(row("loss")!.tau).toBeCloseTo(-1, 15);
  });

  it("the control param shows the within-level association (τ_within = 1) the pooled τ hides", () => {
    const area = row("magnitude/fc/area")!;
    expect(area.tau).toBeLessThan(0);
    expect(area.tau_within).toBeCloseTo(1, 15);
    expect(area.strata).toBe(2);
  });

  it("leaves the outcome's own key (and its Δ) out of the baselines at the final step only", () => {
    expect(row("acc")).toBeUndefined();
    expect(row("Δ acc")).toBeUndefined();
    expect(row("acc", "0.5")).toBeDefined();
  });

  it("counts the distinct reference scales T of a T-dependent row", () => {
    expect(row("magnitude/fc/area")!.T_distinct).toBe(2);
  });

  it("reads fractions at the last logged step ≤ f × last step (0.5 × 10 → step 5)", () => {
    expect(row("magnitude/fc/area", "0.5")!.tau).toBeCloseTo(
      kendallTau([3, 2.5, 2, 5, 4.5, 4], [0.9, 0.8, 0.7, 0.6, 0.5, 0.4]).tau,
      15,
    );
  });

  it("the verdict names τ-b, n, q and the stronger baseline, and says the scales were mixed", () => {
    const magnitudeRows = rows.filter((r) => r.kind === "magnitude").length;
    const text = verdictFor(rows, parseAt("final")[0]!, metricOutcome("acc"), magnitudeRows);
    expect(text).toMatch(/Kendall τ-b = /);
    expect(text).toMatch(/n = 6/);
    expect(text).toMatch(/BH q = /);
    expect(text).toMatch(
      /No magnitude metric ranks runs by acc more strongly than the baseline loss \(τ-b = −1\.00/,
    );
    expect(text).toMatch(/2 different reference scales T/);
    expect(text).toMatch(/stratified τ = 1\.00/);
  });
});

describe("how-early chart", () => {
  it("one magnitude curve per strong feature and the best baseline dashed, on the fraction grid, as valid SVG", () => {
    const features = [...magnitudeFeatures(runs), ...baselineFeatures(runs)];
    const data = howEarly(runs, features, metricOutcome("acc"), parseAt("final,0.25"));
    expect(data.fractions).toEqual([0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    expect(data.n).toBe(6);
    const baseline = data.curves.filter((c) => c.kind === "baseline");
    expect(baseline).toHaveLength(1);
    expect(Math.abs(baseline[0]!.tau.at(-1)!)).toBeCloseTo(1, 15); // loss: τ = −1 at the final step
    const svg = parseXml(renderHowEarlySvg(data));
    expect(byClass(svg, "path", "baseline")).toHaveLength(1);
    expect(byClass(svg, "path", "magnitude").length).toBe(data.curves.length - 1);
    expect(byClass(svg, "rect", "noise-band")).toHaveLength(1);
  });
});
