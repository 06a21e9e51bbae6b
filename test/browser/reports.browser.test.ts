/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The demo's reports in a real browser: Debian's Chromium (/usr/bin/chromium, driven by
 * puppeteer-core; no browser is downloaded) opens every run's report.html and the cross-run report
 * (magtrack-report/index.html, its folded per-run training curves opened) and the index page across
 * runs (magtrack-index.html) at 1400 and 420 px wide
 * and checks: no console error, every chart drawn (an <svg> with a non-empty box and its lines),
 * no text wider than its box or the page. Then curves.svg and training.svg are rasterised by
 * Chromium and by ImageMagick's `convert`, and the curve pixels are compared. Skipped, and says so, where Chromium
 * (or ImageMagick, for the second test) is missing; .ci/run installs both.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import puppeteer, { type Browser } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_RUNS } from "../../src/demo/demo-runs.js";
import { cli } from "../helpers/cli.js";

const CHROMIUM = "/usr/bin/chromium";
const CONVERT = "/usr/bin/convert";
const haveChromium = existsSync(CHROMIUM);
// Debian's ImageMagick 6 reads SVG through its delegate rsvg-convert (librsvg, an independent
// renderer); installed without recommends it has neither that nor fonts for its own MSVG renderer.
const RSVG = "/usr/bin/rsvg-convert";
const haveConvert = existsSync(CONVERT) && existsSync(RSVG);
if (!haveChromium)
  console.log(`SKIPPED: report browser tests: ${CHROMIUM} is missing (apt-get install -y chromium)`);
else if (!haveConvert)
  console.log(
    `SKIPPED: SVG raster comparison: ${CONVERT} or ${RSVG} is missing (apt-get install -y imagemagick librsvg2-bin)`,
  );

let root = "";
let profile = "";
let browser: Browser | undefined;
let reports: string[] = [];

beforeAll(async () => {
  if (!haveChromium) return;
  root = mkdtempSync(join(tmpdir(), "magtrack-browser-"));
  profile = mkdtempSync(join(tmpdir(), "magtrack-chromium-profile-"));
  const demo = await cli(["demo", "--root", join(root, "demo")]);
  expect(demo.code, demo.stderr).toBe(0);
  reports = readdirSync(join(root, "demo"), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(root, "demo", d.name, "magnitude", "report.html"))
    .filter((p) => existsSync(p))
    .sort();
  // and the demo's cross-run report (magtrack report) and the index page across runs
  reports.push(join(root, "demo", "magtrack-report", "index.html"));
  reports.push(join(root, "demo", "magtrack-index.html"));
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir: profile,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (root) rmSync(root, { recursive: true, force: true });
  if (profile) rmSync(profile, { recursive: true, force: true });
});

describe.skipIf(!haveChromium)("demo reports in Chromium", () => {
  for (const width of [1400, 420]) {
    it(`at ${width} px: no console errors, every chart drawn, no text overflowing`, async () => {
      expect(reports.length).toBe(DEMO_RUNS.length + 2); // each run's report, the cross-run report, the index page
      for (const report of reports) {
        const page = await browser!.newPage();
        const errors: string[] = [];
        page.on("console", (m) => {
          if (m.type() === "error") errors.push(m.text());
        });
        page.on("pageerror", (e) => errors.push(String(e)));
        await page.setViewport({ width, height: 900 });
        await page.goto(pathToFileURL(report).href, { waitUntil: "load" });
        // The cross-run report folds each run's training curves: open them all, so they are checked too.
        await page.evaluate(() => {
          for (const d of document.querySelectorAll("details")) d.open = true;
        });
        const found = await page.evaluate(() => {
          // Small multiples come in a wide and a narrow layout, one of them hidden by the page's
          // media query: the visible one is checked at each width.
          const svgs = [...document.querySelectorAll("svg")].filter((s) => s.checkVisibility());
          // A panel chart is drawn at ≥ 90 % of its own width (its text stays at its size) and
          // within the page: the phone layout is one panel per row, not shrunk, not cut off.
          const shrunk = [...document.querySelectorAll("figure.panels svg")]
            .filter((s) => s.checkVisibility())
            .filter((s) => {
              const box = s.getBoundingClientRect();
              const own = Number(s.getAttribute("width"));
              return box.width < 0.9 * own || box.right > document.documentElement.clientWidth + 1;
            })
            .map((s) => s.getAttribute("aria-label"));
          // Chart text stays inside its chart: titles are cut to fit (screen boxes, so rotated
          // axis labels are measured as drawn).
          const textOutside: string[] = [];
          for (const s of svgs) {
            const box = s.getBoundingClientRect();
            for (const t of s.querySelectorAll("text")) {
              const b = t.getBoundingClientRect();
              if (b.width > 0 && (b.left < box.left - 1 || b.right > box.right + 1))
                textOutside.push(`${s.getAttribute("aria-label")}: ${t.textContent?.slice(0, 40)}`);
            }
          }
          const charts = svgs.map((s) => {
            const box = s.getBoundingClientRect();
            const lines = s.querySelectorAll("polyline, path");
            const drawn = [...lines].filter((l) => {
              const b = (l as SVGGraphicsElement).getBBox();
              return b.width > 0 || b.height > 0;
            }).length;
            return { w: box.width, h: box.height, lines: lines.length, drawn };
          });
          const pageWidth = document.documentElement.clientWidth;
          const scrolls = (e: Element) => ["auto", "scroll"].includes(getComputedStyle(e).overflowX);
          // Inside a scrolling box (the wide tables), content may be wider than the box: it scrolls.
          const inScroller = (e: Element) => {
            for (let p = e.parentElement; p !== null; p = p.parentElement) if (scrolls(p)) return true;
            return false;
          };
          const overflowing: string[] = [];
          for (const el of document.querySelectorAll("body *")) {
            if (el.closest("svg") || inScroller(el)) continue;
            const h = el as HTMLElement;
            const box = h.getBoundingClientRect();
            if (!scrolls(h) && h.scrollWidth > h.clientWidth + 1 && h.clientWidth > 0)
              overflowing.push(`${h.tagName}: ${h.textContent?.slice(0, 40)}`);
            if (box.right > pageWidth + 1)
              overflowing.push(`${h.tagName} past the page: ${h.textContent?.slice(0, 40)}`);
          }
          // A table cell squeezed by the table layout breaks its words a character per line (the
          // index page's run column at 420 px did). Its text then spans far more lines than it has
          // words: lines = content height / (font size × 1.2), allowed ≤ 2 × words + 2.
          const squeezed: string[] = [];
          for (const cell of document.querySelectorAll("td, th")) {
            const text = cell.textContent?.trim() ?? "";
            if (text === "" || cell.closest("svg")) continue;
            const range = document.createRange();
            range.selectNodeContents(cell);
            const height = range.getBoundingClientRect().height;
            const lines = height / (Number.parseFloat(getComputedStyle(cell).fontSize) * 1.2);
            const words = text.split(/\s+/).length;
            if (lines > 2 * words + 2)
              squeezed.push(
                `${cell.tagName} ${Math.round(lines)} lines for ${words} words: ${text.slice(0, 40)}`,
              );
          }
          return {
            charts,
            overflowing,
            squeezed,
            shrunk,
            textOutside,
            scrollWidth: document.documentElement.scrollWidth,
            pageWidth,
          };
        });
        await page.close();
        expect(errors, report).toEqual([]);
        expect(found.charts.length, report).toBeGreaterThan(0);
        for (const c of found.charts) {
          expect(c.w).toBeGreaterThan(0);
          expect(c.h).toBeGreaterThan(0);
          expect(c.drawn).toBe(c.lines);
        }
        expect(found.overflowing, report).toEqual([]);
        expect(found.squeezed, report).toEqual([]);
        expect(found.shrunk, report).toEqual([]);
        expect(found.textOutside, report).toEqual([]);
        expect(found.scrollWidth, `${report}: page wider than the window`).toBeLessThanOrEqual(
          found.pageWidth,
        );
      }
    });
  }
});

/** RGB bytes of a PNG via ImageMagick (no PNG decoder needed in node). */
function rgbOf(png: string, width: number, height: number): Buffer {
  return execFileSync(CONVERT, [png, "-resize", `${width}x${height}!`, "-depth", "8", "rgb:-"], {
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** Curve pixels: saturated colour (viridis lines), not the grey axes/grid nor the red threshold. */
function curveMask(rgb: Buffer): boolean[] {
  const out: boolean[] = [];
  for (let i = 0; i < rgb.length; i += 3) {
    const [r, g, b] = [rgb[i]!, rgb[i + 1]!, rgb[i + 2]!];
    const saturation = Math.max(r, g, b) - Math.min(r, g, b);
    const redLine = r > 150 && g < 90 && b < 80;
    out.push(saturation > 60 && !redLine);
  }
  return out;
}

/** Share of `a`'s pixels with a pixel of `b` within `radius` (lines anti-alias differently). */
function coveredShare(a: boolean[], b: boolean[], w: number, h: number, radius: number): number {
  let total = 0;
  let hit = 0;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      if (!a[y * w + x]) continue;
      total++;
      search: for (let dy = -radius; dy <= radius; dy++)
        for (let dx = -radius; dx <= radius; dx++) {
          const yy = y + dy;
          const xx = x + dx;
          if (yy >= 0 && yy < h && xx >= 0 && xx < w && b[yy * w + xx]) {
            hit++;
            break search;
          }
        }
    }
  return total === 0 ? 0 : hit / total;
}

/** Rasterise `svg` (a file) with Chromium and ImageMagick at w × h; the two curve masks. */
/** The trend line colour #3b528b (blue over red by 80): not the orange notes, whose text renderers shape differently. */
function blueMask(rgb: Buffer): boolean[] {
  const out: boolean[] = [];
  for (let i = 0; i < rgb.length; i += 3) out.push(rgb[i + 2]! - rgb[i]! > 40);
  return out;
}

async function rasterBoth(
  svg: string,
  w: number,
  h: number,
  tag: string,
  mask: (rgb: Buffer) => boolean[] = curveMask,
): Promise<[boolean[], boolean[]]> {
  const fromChromium = join(root, `${tag}-chromium.png`);
  const fromMagick = join(root, `${tag}-magick.png`);
  const page = await browser!.newPage();
  await page.setViewport({ width: w, height: h });
  await page.goto(pathToFileURL(svg).href, { waitUntil: "load" });
  await page.screenshot({
    path: fromChromium as `${string}.png`,
    clip: { x: 0, y: 0, width: w, height: h },
  });
  await page.close();
  execFileSync(CONVERT, [svg, fromMagick]);
  return [mask(rgbOf(fromChromium, w, h)), mask(rgbOf(fromMagick, w, h))];
}

const count = (m: boolean[]) => m.filter(Boolean).length;

describe.skipIf(!haveChromium || !haveConvert)("ImageMagick draws the curves Chromium draws", () => {
  it("curves.svg: the curve pixels of both rasterisations match (within 2 px)", async () => {
    const svg = join(root, "demo", "lr-0.1", "magnitude", "hidden2", "curves.svg");
    const [w, h] = [760, 460];
    const [a, b] = await rasterBoth(svg, w, h, "curves");
    // The curves are a few thousand pixels; the colour-bar legend is also saturated and in both.
    expect(count(a)).toBeGreaterThan(2000);
    expect(count(b)).toBeGreaterThan(2000);
    expect(coveredShare(a, b, w, h, 2)).toBeGreaterThan(0.9);
    expect(coveredShare(b, a, w, h, 2)).toBeGreaterThan(0.9);
  });

  it("training.svg (the run's own curves): the line pixels match (within 2 px)", async () => {
    const svg = join(root, "demo", "lr-0.1", "magnitude", "training.svg");
    const [, width, height] = readFileSync(svg, "utf8").match(/<svg[^>]* width="(\d+)" height="(\d+)"/)!;
    const [w, h] = [Number(width), Number(height)];
    const [a, b] = await rasterBoth(svg, w, h, "training", blueMask);
    // 4 panels of 11-point lines with markers: well over a thousand line pixels.
    expect(count(a)).toBeGreaterThan(1000);
    expect(count(b)).toBeGreaterThan(1000);
    expect(coveredShare(a, b, w, h, 2)).toBeGreaterThan(0.9);
    expect(coveredShare(b, a, w, h, 2)).toBeGreaterThan(0.9);
  });
});
