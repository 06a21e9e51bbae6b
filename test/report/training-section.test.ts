/** The cross-run report shows each run's training curves (the run page's panel), folded per run. */
import { describe, expect, it } from "vitest";
import { renderReportHtml } from "../../src/report/render-html.js";
import type { RunData } from "../../src/report/types.js";

function run(id: string, own: RunData["own"]): RunData {
  return {
    run: { id, status: "finished" },
    magnitude: {},
    own,
    params: {},
    references: {},
    settings: {},
    lastStep: 3,
  };
}

describe("experiment report: training curves of each run", () => {
  it("one folded panel per run with its last values; a run without metrics says so", () => {
    const html = renderReportHtml({
      title: "t",
      verdicts: [],
      method: [],
      charts: [],
      runs: [
        run("a<1>", {
          loss: [
            { step: 0, value: 2 },
            { step: 3, value: 0.5 },
          ],
          test_accuracy: [{ step: 3, value: 0.875 }],
        }),
        run("b", {}),
      ],
      left: [],
      rows: [],
      skippedRows: 0,
    });
    const details = html.match(/<details class="run-training">[\s\S]*?<\/details>/g) ?? [];
    expect(details).toHaveLength(2);
    expect(details[0]).toContain("<strong>a&lt;1&gt;</strong>");
    expect(details[0]).toContain("loss 0.5 · test_accuracy 0.875");
    // the two layouts (two panels per row; one per row for phone width), each with both panels
    expect(details[0]!.match(/class="panel" data-metric="([^"]+)"/g)).toEqual([
      'class="panel" data-metric="loss"',
      'class="panel" data-metric="test_accuracy"',
      'class="panel" data-metric="loss"',
      'class="panel" data-metric="test_accuracy"',
    ]);
    expect(details[0]).toMatch(
      /<div class="wide"><svg[^>]* width="760"[\s\S]*<div class="narrow"><svg[^>]* width="380"/,
    );
    expect(details[1]).toContain("No training metrics logged for this run.");
    expect(details[1]).not.toContain("<svg");
    // the shared page style: the same CSP and style sheet as the run pages
    expect(html).toContain("default-src &#39;none&#39;");
  });
});
