import { describe, expect, it } from "vitest";
import type { StepResult } from "../../src/adapter-kit.js";
import { renderTrendsSvg } from "../../src/charts/index.js";
import { axisFromTicks, pathPoints, plotFrame, ticks } from "./geometry.js";
import { byClass, findAll, parseXml, textContent, type XmlElement } from "./xml-check.js";

function result(step: number, metrics: Record<string, number>): StepResult {
  return { layer: "fc1", step, metrics };
}

function panel(doc: XmlElement, key: string): XmlElement {
  const found = findAll(doc, (e) => e.attrs["class"] === "panel" && e.attrs["data-metric"] === key);
  expect(found).toHaveLength(1);
  return found[0]!;
}

const results = [0, 100, 200, 300, 400].map((step, k) =>
  result(step, {
    area: 2 + k,
    t_conv: 10 ** (1 - k / 2),
    dim: k === 2 ? Number.NaN : 1.5 + 0.1 * k,
    diff_ref: k * 0.25,
  }),
);

describe("renderTrendsSvg", () => {
  it("draws one panel per metric, each point where the panel's axes put it", () => {
    const doc = parseXml(renderTrendsSvg("fc1", results));
    for (const key of ["area", "t_conv", "dim", "diff_ref"]) {
      const p = panel(doc, key);
      const frame = plotFrame(p);
      const xOf = axisFromTicks(ticks(p, "x"));
      const yOf = axisFromTicks(ticks(p, "y"));
      // x domain is exactly the step range.
      expect(Math.abs(xOf(0) - frame.left)).toBeLessThan(0.02);
      expect(Math.abs(xOf(400) - frame.right)).toBeLessThan(0.02);
      const points = pathPoints(byClass(p, "path", "trend")[0]!.attrs["d"]!).filter((q) => q !== null);
      const expected = results.filter((r) => Number.isFinite(r.metrics[key]!));
      expect(points).toHaveLength(expected.length);
      points.forEach(([x, y], i) => {
        expect(Math.abs(x - xOf(expected[i]!.step))).toBeLessThan(0.02);
        expect(Math.abs(y - yOf(expected[i]!.metrics[key]!))).toBeLessThan(0.02);
      });
    }
  });

  it("leaves NaN points out with a gap in the line and says how many", () => {
    const doc = parseXml(renderTrendsSvg("fc1", results));
    const dim = panel(doc, "dim");
    const points = pathPoints(byClass(dim, "path", "trend")[0]!.attrs["d"]!);
    expect(points.map((p) => p === null)).toEqual([false, false, true, false, false]);
    expect(textContent(byClass(dim, "text", "note")[0]!)).toContain("1 missing/NaN");
    const areaNotes = byClass(panel(doc, "area"), "text", "note");
    expect(areaNotes.map(textContent).join(" ")).not.toContain("missing");
  });

  it("puts t_conv on a log10 axis on request, leaving out values ≤ 0", () => {
    const withZero = [...results, result(500, { t_conv: 0 })];
    const doc = parseXml(renderTrendsSvg("fc1", withZero, { logTConv: true }));
    const p = panel(doc, "t_conv");
    expect(textContent(p)).toContain("log scale");
    const yOf = axisFromTicks(ticks(p, "y"), Math.log10);
    const points = pathPoints(byClass(p, "path", "trend")[0]!.attrs["d"]!).filter((q) => q !== null);
    expect(points).toHaveLength(5);
    points.forEach(([, y], k) => {
      expect(Math.abs(y - yOf(10 ** (1 - k / 2)))).toBeLessThan(0.02);
    });
    // Equal ratios → equal pixel steps.
    for (let k = 2; k < points.length; k++) {
      expect(Math.abs(points[k]![1] - points[k - 1]![1] - (points[1]![1] - points[0]![1]))).toBeLessThan(
        0.03,
      );
    }
    expect(textContent(byClass(p, "text", "note")[0]!)).toContain("1 ≤ 0 left out");
  });

  it("handles a single step, an all-NaN metric and no results", () => {
    const one = parseXml(
      renderTrendsSvg("fc1", [result(7, { area: 3, t_conv: 1, dim: Number.NaN, diff_ref: 0 })]),
    );
    expect(findAll(panel(one, "area"), (e) => e.name === "circle")).toHaveLength(1);
    expect(textContent(byClass(panel(one, "dim"), "text", "empty")[0]!)).toBe("no data");
    const none = parseXml(renderTrendsSvg("fc1", []));
    expect(byClass(none, "text", "empty")).toHaveLength(4);
  });

  it("is deterministic and escapes the layer name", () => {
    const layer = `a<b>&"c"'d' ✓`;
    const svg = renderTrendsSvg(layer, results);
    expect(renderTrendsSvg(layer, results)).toBe(svg);
    expect(renderTrendsSvg(layer, results.slice(1))).not.toBe(svg);
    expect(svg).not.toContain("<b>");
    expect(textContent(findAll(parseXml(svg), (e) => e.name === "title")[0]!)).toContain(layer);
  });
});

describe("trend panels do not exaggerate, and name the key", () => {
  it("states the span relative to the largest |value| (closed form)", async () => {
    const { relativeSpan, panelTitle } = await import("../../src/charts/trends.js");
    // (100.4 − 100) / 100.4 = 0.3984 %; (90.8 − 37.4) / 90.8 = 58.81 %; (2 − 1.9) / 2 = 5 %.
    expect(relativeSpan([100, 100.4, 100.2])).toBe("0.40 %");
    expect(relativeSpan([90.8, 37.4])).toBe("59 %");
    expect(relativeSpan([1.9, 2])).toBe("5.0 %");
    expect(relativeSpan([3])).toBeNull();
    expect(relativeSpan([0, 0])).toBeNull();
    expect(panelTitle("MagArea / T", "area")).toBe("MagArea / T · area");
    expect(panelTitle("t_conv", "t_conv")).toBe("t_conv");
  });
});
