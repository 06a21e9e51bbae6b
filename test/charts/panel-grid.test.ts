import { describe, expect, it } from "vitest";
import { panelGrid } from "../../src/charts/series-panel.js";
import { renderTrendsSvg } from "../../src/charts/trends.js";

describe("panelGrid: the small-multiples layout", () => {
  it("two columns: panels row by row, side by side, inside the figure", () => {
    const { rects, height } = panelGrid(5, 760, 2);
    expect(rects.map((r) => [r.x, r.y])).toEqual([
      [62, 64],
      [442, 64],
      [62, 294],
      [442, 294],
      [62, 524],
    ]);
    for (const r of rects) expect(r.x + r.width).toBeLessThanOrEqual(760);
    expect(height).toBe(40 + 3 * 230 + 8); // three rows
  });

  it("one column (phone width): every panel gets the full width, one per row", () => {
    const { rects, height } = panelGrid(4, 380, 1);
    expect(new Set(rects.map((r) => r.x))).toEqual(new Set([62]));
    expect(rects.map((r) => r.width)).toEqual([302, 302, 302, 302]);
    expect(rects.map((r) => r.y)).toEqual([64, 294, 524, 754]);
    expect(height).toBe(40 + 4 * 230 + 8);
  });

  it("the trends chart in one column is 380 wide and four panels tall", () => {
    const results = [0, 1, 2].map((step) => ({
      step,
      metrics: { area: 1 + step, t_conv: 2, dim: 1, diff_ref: step },
    }));
    const svg = renderTrendsSvg("fc1", results as never, { columns: 1 });
    expect(svg).toMatch(/<svg[^>]* width="380" height="968"/);
    expect(renderTrendsSvg("fc1", results as never)).toMatch(/<svg[^>]* width="760" height="508"/);
  });
});
