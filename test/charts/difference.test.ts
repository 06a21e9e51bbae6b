import { describe, expect, it } from "vitest";
import type { StepResult } from "../../src/adapter-kit.js";
import { renderDifferenceSvg } from "../../src/charts/index.js";
import { axisFromTicks, polylinePoints, ticks } from "./geometry.js";
import { byClass, parseXml, textContent } from "./xml-check.js";

// Hand-made curves on t = 0, 1, 2 (T = 2): the differences to step 0 are exact by construction.
const t = [0, 1, 2];
const at = (step: number, magnitude: number[], grid = t): StepResult => ({
  layer: "fc1",
  step,
  metrics: {},
  curve: { t: grid, magnitude },
});
const ref = { layer: "fc1", T: 2, step: 0, source: "t_conv(q=0.95)@step 0" };

describe("renderDifferenceSvg", () => {
  it("draws Mag_step − Mag_ref per step, mapped by the drawn axes; off-grid steps are named", () => {
    const results = [
      at(0, [1, 2, 3]),
      at(1, [1, 2.5, 3.5]), // Δ = 0, 0.5, 0.5
      at(2, [1, 1.5, 2.0]), // Δ = 0, −0.5, −1
      at(3, [1, 2, 3, 4], [0, 1, 2, 3]), // another grid: not drawn
    ];
    const doc = parseXml(renderDifferenceSvg("fc1", results, ref));
    const xOf = axisFromTicks(ticks(doc, "x"));
    const yOf = axisFromTicks(ticks(doc, "y"));
    const lines = byClass(doc, "polyline", "difference");
    expect(lines.map((l) => l.attrs["data-step"])).toEqual(["0", "1", "2"]);
    const expected = [
      [0, 0, 0],
      [0, 0.5, 0.5],
      [0, -0.5, -1],
    ];
    lines.forEach((line, k) => {
      polylinePoints(line).forEach(([x, y], j) => {
        expect(Math.abs(x - xOf(t[j]!))).toBeLessThanOrEqual(0.006);
        expect(Math.abs(y - yOf(expected[k]![j]!))).toBeLessThanOrEqual(0.006);
      });
    });
    // The zero line is where Δ = 0.
    expect(Math.abs(Number(byClass(doc, "line", "zero")[0]!.attrs["y1"]) - yOf(0))).toBeLessThan(0.006);
    expect(textContent(byClass(doc, "text", "note")[0]!)).toContain("1 step(s)");
  });

  it("says so when the reference step has no curve", () => {
    const doc = parseXml(renderDifferenceSvg("fc1", [at(1, [1, 2, 3])], ref));
    expect(byClass(doc, "polyline", "difference")).toHaveLength(0);
    expect(textContent(byClass(doc, "text", "subtitle")[0]!)).toBe("the reference step has no curve");
  });
});
