/**
 * The run's own training curves: panels per key where the axes put them, one step axis shared with
 * the magnitude trends on the run page (same x domain), "no training metrics logged" instead of an
 * empty chart, and thinning that keeps spikes.
 */
import { describe, expect, it } from "vitest";
import type { RunMetrics } from "../../src/adapter-kit.js";
import { renderRunReportHtml } from "../../src/charts/index.js";
import { renderTrainingSvg, thinHistory, trainingKeyOrder } from "../../src/charts/training.js";
import { reference, trainingResults } from "./fixtures.js";
import { axisFromTicks, pathPoints, plotFrame, ticks } from "./geometry.js";
import { byClass, findAll, parseXml, textContent, type XmlElement } from "./xml-check.js";

const metrics: RunMetrics = {
  test_accuracy: [0, 100, 250, 500].map((step, k) => ({ step, value: 0.1 + 0.2 * k })),
  loss: [0, 100, 250, 500].map((step, k) => ({ step, value: 2 / (1 + k) })),
};
const panels = (doc: XmlElement) => findAll(doc, (e) => e.attrs.class === "panel");

describe("renderTrainingSvg", () => {
  it("one panel per key (losses first), each point where the panel's axes put it", () => {
    const doc = parseXml(renderTrainingSvg("run-1", metrics));
    const found = panels(doc);
    expect(found.map((p) => p.attrs["data-metric"])).toEqual(["loss", "test_accuracy"]);
    for (const p of found) {
      const key = p.attrs["data-metric"]!;
      const xOf = axisFromTicks(ticks(p, "x"));
      const yOf = axisFromTicks(ticks(p, "y"));
      const pts = pathPoints(byClass(p, "path", "trend")[0]!.attrs.d!).filter((q) => q !== null);
      expect(pts).toHaveLength(4);
      pts.forEach(([x, y], i) => {
        expect(Math.abs(x - xOf(metrics[key]![i]!.step))).toBeLessThan(0.02);
        expect(Math.abs(y - yOf(metrics[key]![i]!.value))).toBeLessThan(0.02);
      });
    }
  });

  it("orders losses, then accuracies, then the rest", () => {
    expect(trainingKeyOrder(["lr", "train_acc", "val_loss", "loss", "accuracy"])).toEqual([
      "loss",
      "val_loss",
      "accuracy",
      "train_acc",
      "lr",
    ]);
  });
});

describe("run page: training curves beside the magnitude trends", () => {
  const layers = [
    {
      layer: "fc1",
      reference: reference("fc1", 5),
      results: trainingResults("fc1", [0, 100, 200, 300, 400], 5),
    },
  ];

  it("training panels and trend panels share one step axis: the union of both step ranges", () => {
    const html = renderRunReportHtml({ id: "r" }, layers, {}, { training: { status: "read", metrics } });
    const doc = parseXml(html);
    const training = findAll(doc, (e) => e.attrs.id === "training")[0]!;
    const trend = findAll(doc, (e) => e.attrs.id === "layer-0")[0]!;
    const all = [...panels(training), ...panels(trend)];
    // each chart twice: two panels per row, and one per row for phone width (panelsFigure)
    expect(panels(training)).toHaveLength(2 * 2);
    expect(panels(trend)).toHaveLength(2 * 4);
    // magnitude steps 0–400, training steps 0–500: every panel's x domain is [0, 500]
    for (const p of all) {
      expect(p.attrs["data-x-domain"]).toBe("0 500");
      const frame = plotFrame(p);
      const xOf = axisFromTicks(ticks(p, "x"));
      expect(Math.abs(xOf(0) - frame.left)).toBeLessThan(0.02);
      expect(Math.abs(xOf(500) - frame.right)).toBeLessThan(0.02);
    }
    // the section comes before the layers
    expect(html.indexOf('id="training"')).toBeLessThan(html.indexOf('id="layer-0"'));
  });

  it("says 'no training metrics logged' (no empty chart), or why they were not read", () => {
    const none = parseXml(
      renderRunReportHtml({ id: "r" }, layers, {}, { training: { status: "read", metrics: { loss: [] } } }),
    );
    const section = findAll(none, (e) => e.attrs.id === "training")[0]!;
    expect(textContent(section)).toContain("No training metrics logged for this run.");
    expect(findAll(section, (e) => e.name === "svg")).toEqual([]);
    // without training metrics the trends keep their own steps
    for (const p of panels(none)) expect(p.attrs["data-x-domain"]).toBe("0 400");

    const failed = renderRunReportHtml(
      { id: "r" },
      layers,
      {},
      {
        training: { status: "unavailable", reason: "/x/metrics.jsonl:3: not JSON" },
      },
    );
    expect(failed).toContain("Training metrics not read: /x/metrics.jsonl:3: not JSON.");
    expect(renderRunReportHtml({ id: "r" }, layers, {})).not.toContain('id="training"');
  });
});

describe("thinHistory", () => {
  it("keeps at most ~maxPoints points, in step order, with every bucket's extremes (a spike survives)", () => {
    const points = Array.from({ length: 10_000 }, (_, step) => ({ step, value: Math.sin(step / 500) }));
    points[4321] = { step: 4321, value: 50 };
    const thin = thinHistory(points, 1000);
    expect(thin.length).toBeLessThanOrEqual(1000);
    expect(thin.some((p) => p.step === 4321 && p.value === 50)).toBe(true);
    expect(thin.map((p) => p.step)).toEqual([...thin.map((p) => p.step)].sort((a, b) => a - b));
    expect(Math.min(...thin.map((p) => p.value))).toBe(Math.min(...points.map((p) => p.value)));
    expect(thinHistory(points.slice(0, 10), 1000)).toEqual(points.slice(0, 10));
  });
});
