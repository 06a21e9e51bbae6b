/** Sparklines for the cross-run index: pixel positions and captions checked against closed forms. */
import { describe, expect, it } from "vitest";
import { relativeChange, renderSparklineSvg, sparklineCaption } from "../../src/charts/sparkline.js";

describe("renderSparklineSvg", () => {
  it("maps steps to [3, w−3] and the shared range to [h−3, 3]", () => {
    // x = 3 + step/20·114, y = 29 − (v − 0)/(4 − 0)·26 for width 120, height 32, range [0, 4]
    const svg = renderSparklineSvg(
      "area",
      [
        { step: 20, value: 4 },
        { step: 0, value: 2 },
        { step: 10, value: 1 },
      ],
      { range: [0, 4] },
    );
    expect(svg).toContain('d="M3 16 L60 22.5 L117 3"');
    expect(svg).toContain('cx="117" cy="3"');
  });

  it("leaves a gap at a non-finite value and draws nothing for no finite value", () => {
    const gap = renderSparklineSvg("area", [
      { step: 0, value: 0 },
      { step: 1, value: Number.NaN },
      { step: 2, value: 1 },
    ]);
    expect(gap).toContain('d="M3 29 M117 3"');
    expect(renderSparklineSvg("area", [{ step: 0, value: Number.NaN }])).not.toContain("<path");
  });

  it("escapes the label", () => {
    expect(renderSparklineSvg("a<b", [])).toContain("<title>a&lt;b</title>");
  });
});

describe("captions", () => {
  it("relative change (last − first)/|first|", () => {
    expect(relativeChange(90.8, 37.4)).toBe("−59 %"); // −58.81 %
    expect(relativeChange(100, 100.41)).toBe("+0.41 %");
    expect(relativeChange(-2, -1)).toBe("+50 %");
    expect(relativeChange(0, 1)).toBeNull();
  });

  it("first → last (change), in step order", () => {
    expect(
      sparklineCaption([
        { step: 5, value: 37.4 },
        { step: 0, value: 90.8 },
      ]),
    ).toBe("90.8 → 37.4 (−59 %)");
    expect(sparklineCaption([{ step: 0, value: 2 }])).toBe("2");
    expect(sparklineCaption([])).toBe("no data");
  });
});
