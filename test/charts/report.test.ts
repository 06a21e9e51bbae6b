import { afterEach, describe, expect, it, vi } from "vitest";
import type { ReportLayer } from "../../src/charts/index.js";
import { renderRunReportHtml } from "../../src/charts/index.js";
import { reference, trainingResults } from "./fixtures.js";
import { byClass, findAll, parseXml, textContent } from "./xml-check.js";

const evil = `<script>alert("x")</script> & 'q' ünï`;
const layers: ReportLayer[] = [
  { layer: "fc1", reference: reference("fc1", 2), results: trainingResults("fc1", [0, 1, 2], 2) },
  { layer: evil, reference: reference(evil, 3), results: trainingResults(evil, [0, 5], 3) },
];
const settings = { q: "0.95", metric: "euclidean", note: `<img src="http://evil.example/x.png">` };

function render(): string {
  return renderRunReportHtml({ id: "run-42", displayName: `lr=0.1 <b>` }, layers, settings, {
    version: "0.1.0",
  });
}

afterEach(() => {
  vi.useRealTimers();
});

describe("renderRunReportHtml", () => {
  it("is a well-formed page with a section per layer holding the three charts and the metrics table", () => {
    const html = render();
    expect(html.startsWith("<!DOCTYPE html>\n")).toBe(true);
    const doc = parseXml(html);
    expect(doc.name).toBe("html");
    const sections = findAll(doc, (e) => e.name === "section" && (e.attrs["id"] ?? "").startsWith("layer-"));
    expect(sections).toHaveLength(2);
    sections.forEach((section, i) => {
      const svgs = findAll(section, (e) => e.name === "svg");
      // curves, difference to the reference, trends in two layouts (two panels per row, and one
      // per row for phone width: page-style.ts panelsFigure)
      expect(svgs).toHaveLength(4);
      const layouts = findAll(section, (e) => e.name === "figure" && e.attrs["class"] === "panels");
      expect(layouts).toHaveLength(1);
      const [wide, narrow] = layouts[0]!.children.filter((c) => typeof c !== "string") as typeof svgs;
      expect([wide!.attrs["class"], narrow!.attrs["class"]]).toEqual(["wide", "narrow"]);
      expect(findAll(wide!, (e) => e.name === "svg")[0]!.attrs["width"]).toBe("760");
      expect(findAll(narrow!, (e) => e.name === "svg")[0]!.attrs["width"]).toBe("380");
      expect(byClass(section, "polyline", "curve")).toHaveLength(layers[i]!.results.length);
      expect(byClass(section, "polyline", "difference")).toHaveLength(layers[i]!.results.length);
      const rows = findAll(section, (e) => e.name === "tbody")[0]!.children.filter(
        (c) => typeof c !== "string",
      );
      expect(rows).toHaveLength(layers[i]!.results.length);
      const header = findAll(section, (e) => e.name === "th").map(textContent);
      expect(header.slice(0, 5)).toEqual(["step", "area", "t_conv", "dim", "diff_ref"]);
      expect(header).toContain("n_distinct");
    });
    expect(textContent(findAll(sections[1]!, (e) => e.name === "h2")[0]!)).toBe(`Layer ${evil}`);
  });

  it("loads nothing from the network: no scripts, no src, http(s) only in the papers' <a href>", () => {
    const html = renderRunReportHtml({ id: "run-42" }, layers, { q: "0.95" }, { version: "0.1.0" });
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\ssrc\s*=/i);
    expect(html).not.toMatch(/<link|@import|url\(\s*['"]?https?:/i);
    const doc = parseXml(html);
    const links = findAll(doc, (e) => e.name === "a" && /^https?:/.test(e.attrs["href"] ?? "")).map(
      (a) => a.attrs["href"],
    );
    expect(links).toEqual(["https://arxiv.org/abs/2305.05611", "https://arxiv.org/abs/2311.16054"]);
    const withoutLinks = html.replace(/<a href="https:\/\/arxiv\.org\/abs\/\d{4}\.\d{5}">/g, "");
    expect(withoutLinks).not.toMatch(/https?:\/\//);
    const csp = findAll(
      doc,
      (e) => e.name === "meta" && e.attrs["http-equiv"] === "Content-Security-Policy",
    )[0];
    expect(csp?.attrs["content"]).toContain("default-src 'none'");
  });

  it("keeps URLs and markup in user text inert: no element or attribute that could load anything", () => {
    const doc = parseXml(render());
    const loaders = findAll(doc, (e) =>
      ["script", "img", "link", "iframe", "object", "embed", "image", "use"].includes(e.name),
    );
    expect(loaders).toHaveLength(0);
    const refs = findAll(doc, (e) =>
      Object.keys(e.attrs).some((a) => /^(src|xlink:href|href|srcset|data)$/.test(a)),
    );
    for (const e of refs) {
      expect(e.name).toBe("a");
      expect(e.attrs["href"]).toMatch(/^(#layer-\d+|https:\/\/arxiv\.org\/abs\/\d{4}\.\d{5})$/);
    }
  });

  it("escapes run names, layer names and settings; settings sorted by key", () => {
    const html = render();
    expect(html).not.toContain("<b>");
    expect(html).not.toContain("<img");
    const doc = parseXml(html);
    expect(textContent(findAll(doc, (e) => e.name === "title")[0]!)).toBe("magtrack · lr=0.1 <b>");
    const settingsSection = findAll(doc, (e) => e.attrs["id"] === "settings")[0]!;
    const keys = findAll(settingsSection, (e) => e.name === "th").map(textContent);
    expect(keys).toEqual(["metric", "note", "q"]);
    expect(textContent(settingsSection)).toContain(settings.note);
  });

  it("gives every element id on the page a unique value (inlined SVGs included)", () => {
    const ids = findAll(parseXml(render()), (e) => e.attrs["id"] !== undefined).map((e) => e.attrs["id"]);
    expect(ids.length).toBeGreaterThan(4);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("explains each metric with the papers and ends with a generated-by footer", () => {
    const doc = parseXml(render());
    const text = textContent(findAll(doc, (e) => e.attrs["id"] === "metrics")[0]!);
    for (const key of ["area", "t_conv", "dim", "diff_ref"])
      expect(text).toContain(`magnitude/<layer>/${key}`);
    expect(text).toContain("Andreeva");
    expect(text).toContain("Limbeck");
    expect(textContent(findAll(doc, (e) => e.name === "footer")[0]!)).toBe("Generated by magtrack 0.1.0.");
  });

  it("is byte-deterministic: no clock in the output, and different input gives a different page", () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2001-02-03T04:05:06Z"));
    const early = render();
    vi.setSystemTime(new Date("2033-12-31T23:59:59Z"));
    expect(render()).toBe(early);
    expect(early).not.toMatch(/20(01|33)/);
    const other = renderRunReportHtml({ id: "run-42" }, layers.slice(0, 1), settings, { version: "0.1.0" });
    expect(other).not.toBe(early);
    expect(renderRunReportHtml({ id: "run-42" }, [], {})).toContain("No layers have results yet.");
  });
});
