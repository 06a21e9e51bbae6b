import { describe, expect, it } from "vitest";
import type { StepResult } from "../../src/adapter-kit.js";
import { renderCurvesSvg } from "../../src/charts/index.js";
import { InputError } from "../../src/core/errors.js";
import { equidistantMagnitude, linspace, reference, trainingResults } from "./fixtures.js";
import { axisFromTicks, plotFrame, polylinePoints, ticks } from "./geometry.js";
import { byClass, findAll, parseXml, textContent } from "./xml-check.js";

const T = 2.5;
const ref = reference("fc1", T);

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const s = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

describe("renderCurvesSvg", () => {
  it("is well-formed SVG with one polyline per step, mapped by the drawn axes", () => {
    const results = trainingResults("fc1", [0, 10, 20, 30, 40], T);
    const svg = renderCurvesSvg("fc1", results, ref);
    const doc = parseXml(svg);
    expect(doc.name).toBe("svg");
    expect(doc.attrs["xmlns"]).toBe("http://www.w3.org/2000/svg");
    const frame = plotFrame(doc);
    const xOf = axisFromTicks(ticks(doc, "x"));
    const yOf = axisFromTicks(ticks(doc, "y"));
    // The x axis is exactly [0, T]: t = 0 on the left edge, t = T on the right edge.
    expect(Math.abs(xOf(0) - frame.left)).toBeLessThan(0.02);
    expect(Math.abs(xOf(T) - frame.right)).toBeLessThan(0.02);
    // Larger magnitude is higher on the page.
    expect(yOf(10)).toBeLessThan(yOf(1));
    const lines = byClass(doc, "polyline", "curve");
    expect(lines.map((l) => l.attrs["data-step"])).toEqual(["0", "10", "20", "30", "40"]);
    lines.forEach((line, k) => {
      const points = polylinePoints(line);
      const { t, magnitude } = results[k]!.curve!;
      expect(points).toHaveLength(30);
      expect(points[0]![0]).toBeCloseTo(frame.left, 2);
      expect(points[29]![0]).toBeCloseTo(frame.right, 2);
      points.forEach(([x, y], j) => {
        const expectedX = frame.left + (t[j]! / T) * (frame.right - frame.left);
        expect(Math.abs(x - expectedX)).toBeLessThanOrEqual(0.006);
        expect(Math.abs(y - yOf(magnitude[j]!))).toBeLessThan(0.02);
        expect(y).toBeGreaterThanOrEqual(frame.top - 0.01);
        expect(y).toBeLessThanOrEqual(frame.bottom + 0.01);
      });
    });
  });

  it("colours steps along viridis in step order, whatever the input order", () => {
    const results = trainingResults("fc1", [0, 5, 10, 15, 20, 25, 30], T).reverse();
    const doc = parseXml(renderCurvesSvg("fc1", results, ref));
    const lines = byClass(doc, "polyline", "curve");
    expect(lines.map((l) => Number(l.attrs["data-step"]))).toEqual([0, 5, 10, 15, 20, 25, 30]);
    const colours = lines.map((l) => l.attrs["stroke"]!);
    expect(colours[0]).toBe("#440154");
    expect(colours[colours.length - 1]).toBe("#fde725");
    for (let k = 1; k < colours.length; k++)
      expect(luminance(colours[k]!)).toBeGreaterThan(luminance(colours[k - 1]!));
    // Legend: one entry per step, same colours and order.
    const entries = byClass(doc, "g", "legend-entry");
    expect(entries.map((e) => textContent(e))).toEqual(["0", "5", "10", "15", "20", "25", "30"]);
    expect(entries.map((e) => findAll(e, (x) => x.name === "line")[0]!.attrs["stroke"])).toEqual(colours);
  });

  it("draws the dashed q·n line where n_distinct is known", () => {
    const results = trainingResults("fc1", [0, 1], T, 40);
    const doc = parseXml(renderCurvesSvg("fc1", results, ref));
    const yOf = axisFromTicks(ticks(doc, "y"));
    const [threshold] = byClass(doc, "line", "threshold");
    expect(threshold!.attrs["stroke-dasharray"]).toBeDefined();
    expect(Math.abs(Number(threshold!.attrs["y1"]) - yOf(0.95 * 40))).toBeLessThan(0.02);
    const withQ = parseXml(renderCurvesSvg("fc1", results, ref, { q: 0.9 }));
    const yq = axisFromTicks(ticks(withQ, "y"));
    expect(Math.abs(Number(byClass(withQ, "line", "threshold")[0]!.attrs["y1"]) - yq(36))).toBeLessThan(0.02);
    const noN = results.map((r) => ({ ...r, metrics: { area: 1 } }));
    expect(byClass(parseXml(renderCurvesSvg("fc1", noN, ref)), "line", "threshold")).toHaveLength(0);
  });

  it("skips missing, ragged and non-finite curves and names their steps", () => {
    const good = trainingResults("fc1", [0, 4], T);
    const t = linspace(0, T, 30);
    const bad: StepResult[] = [
      { layer: "fc1", step: 1, metrics: {} },
      { layer: "fc1", step: 2, metrics: {}, curve: { t, magnitude: t.map((x) => (x > 1 ? Number.NaN : 1)) } },
      { layer: "fc1", step: 3, metrics: {}, curve: { t, magnitude: [1, 2] } },
    ];
    const doc = parseXml(renderCurvesSvg("fc1", [...good, ...bad], ref));
    expect(byClass(doc, "polyline", "curve").map((l) => l.attrs["data-step"])).toEqual(["0", "4"]);
    expect(textContent(byClass(doc, "text", "note")[0]!)).toContain("steps 1, 2, 3");
  });

  it("handles no drawable curve at all", () => {
    const doc = parseXml(renderCurvesSvg("fc1", [{ layer: "fc1", step: 0, metrics: {} }], ref));
    expect(byClass(doc, "polyline", "curve")).toHaveLength(0);
    expect(textContent(byClass(doc, "text", "empty")[0]!)).toContain("no magnitude curves");
  });

  it("draws a single step and a flat curve (one-point cloud: Mag ≡ 1) on a non-degenerate axis", () => {
    const t = linspace(0, T, 30);
    const flat: StepResult = {
      layer: "fc1",
      step: 7,
      metrics: { n_distinct: 1 },
      curve: { t, magnitude: t.map(() => 1) },
    };
    const doc = parseXml(renderCurvesSvg("fc1", [flat], ref));
    const lines = byClass(doc, "polyline", "curve");
    expect(lines).toHaveLength(1);
    expect(lines[0]!.attrs["stroke"]).toBe("#440154");
    const yTicks = ticks(doc, "y");
    const yOf = axisFromTicks(yTicks);
    expect(new Set(yTicks.map((k) => k.value)).size).toBeGreaterThanOrEqual(2);
    const frame = plotFrame(doc);
    for (const [, y] of polylinePoints(lines[0]!)) {
      expect(Math.abs(y - yOf(1))).toBeLessThan(0.02);
      expect(y).toBeGreaterThan(frame.top);
      expect(y).toBeLessThan(frame.bottom);
    }
  });

  it("switches to a colour bar with thinned step labels for hundreds of steps", () => {
    const steps = Array.from({ length: 300 }, (_, i) => i * 50);
    const results = steps.map((step, k) => {
      const t = linspace(0, T, 30);
      return {
        layer: "fc1",
        step,
        metrics: {},
        curve: { t, magnitude: t.map((x) => equidistantMagnitude(30, 0.2 + k * 0.01, x)) },
      };
    });
    const doc = parseXml(renderCurvesSvg("fc1", results, ref));
    expect(byClass(doc, "polyline", "curve")).toHaveLength(300);
    expect(byClass(doc, "g", "legend-entry")).toHaveLength(0);
    expect(byClass(doc, "rect", "colour-bar")).toHaveLength(1);
    const labels = byClass(doc, "g", "legend-tick").map((g) => Number(textContent(g)));
    expect(labels.length).toBeGreaterThanOrEqual(2);
    expect(labels.length).toBeLessThanOrEqual(12);
    expect(labels[0]).toBe(0);
    expect(labels[labels.length - 1]).toBe(299 * 50);
    for (let k = 1; k < labels.length; k++) expect(labels[k]!).toBeGreaterThan(labels[k - 1]!);
  });

  it("is deterministic: same input, same bytes; a changed value changes the output", () => {
    const a = trainingResults("fc1", [0, 1, 2], T);
    const first = renderCurvesSvg("fc1", a, ref);
    expect(renderCurvesSvg("fc1", trainingResults("fc1", [0, 1, 2], T), ref)).toBe(first);
    const b = trainingResults("fc1", [0, 1, 2], T);
    const curve = b[1]!.curve!;
    const changed = {
      ...b[1]!,
      curve: { t: curve.t, magnitude: curve.magnitude.map((m, j) => (j === 10 ? m + 1 : m)) },
    };
    expect(renderCurvesSvg("fc1", [b[0]!, changed, b[2]!], ref)).not.toBe(first);
    expect(renderCurvesSvg("fc2", a, ref)).not.toBe(first);
  });

  it("escapes the layer name everywhere it appears", () => {
    const layer = `<script>alert("x")</script> & 'quote' ünï 😀\u0001`;
    const svg = renderCurvesSvg(layer, trainingResults(layer, [0, 1], T), reference(layer, T));
    expect(svg).not.toContain("<script");
    expect(svg).not.toContain("\u0001");
    const doc = parseXml(svg);
    const title = textContent(findAll(doc, (e) => e.name === "title")[0]!);
    expect(title).toContain(`<script>alert("x")</script> & 'quote' ünï 😀\uFFFD`);
    expect(doc.attrs["aria-label"]).toContain("<script>");
  });

  it("rejects a reference scale that is not positive and finite with a typed error naming the layer", () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => renderCurvesSvg("fc1", [], reference("fc1", bad))).toThrow(InputError);
    }
    expect(() => renderCurvesSvg("fc1", [], reference("fc1", 0))).toThrow(/layer "fc1".*T must be/);
  });

  it("inline mode drops the xmlns and id prefixes keep ids apart", () => {
    const results = trainingResults("fc1", [0, 1], T);
    const inline = parseXml(renderCurvesSvg("fc1", results, ref, { inline: true, idPrefix: "l0" }));
    expect(inline.attrs["xmlns"]).toBeUndefined();
    const ids = findAll(inline, (e) => e.attrs["id"] !== undefined).map((e) => e.attrs["id"]!);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(id.startsWith("l0-")).toBe(true);
    const a = renderCurvesSvg("a", results, ref);
    const b = renderCurvesSvg("b", results, ref);
    const idsOf = (s: string) =>
      findAll(parseXml(s), (e) => e.attrs["id"] !== undefined).map((e) => e.attrs["id"]);
    expect(idsOf(a).some((id) => idsOf(b).includes(id))).toBe(false);
  });
});
