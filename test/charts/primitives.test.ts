import { describe, expect, it } from "vitest";
import { escapeXml, truncateLabel } from "../../src/charts/escape.js";
import { formatPixel, formatTick, formatValue } from "../../src/charts/format.js";
import { linearAxis, logAxis, niceNumber } from "../../src/charts/ticks.js";
import { rankColor, viridis } from "../../src/charts/viridis.js";
import { parseXml, textContent } from "./xml-check.js";

describe("escapeXml", () => {
  it("escapes the five XML specials and round-trips through an XML parser", () => {
    const raw = `<script>alert("x&y")</script> 'q' ünïcødé 😀`;
    const escaped = escapeXml(raw);
    expect(escaped).toBe("&lt;script&gt;alert(&quot;x&amp;y&quot;)&lt;/script&gt; &#39;q&#39; ünïcødé 😀");
    const doc = parseXml(`<a title="${escaped}">${escaped}</a>`);
    expect(doc.attrs["title"]).toBe(raw);
    expect(textContent(doc)).toBe(raw);
  });

  it("replaces code points XML forbids (controls, lone surrogates) with U+FFFD, keeps tab/newline and pairs", () => {
    expect(escapeXml("a\u0000b\u001Fc\tn\n")).toBe("a\uFFFDb\uFFFDc\tn\n");
    expect(escapeXml("x\uD800y")).toBe("x\uFFFDy");
    expect(escapeXml("x\uDC00y")).toBe("x\uFFFDy");
    expect(escapeXml("\uD83D\uDE00")).toBe("😀");
  });

  it("truncates by code point with an ellipsis", () => {
    expect(truncateLabel("abcdef", 4)).toBe("abc…");
    expect(truncateLabel("😀😀😀😀😀", 3)).toBe("😀😀…");
    expect(truncateLabel("short", 10)).toBe("short");
  });
});

describe("number formatting", () => {
  it("formats values by a fixed rule", () => {
    expect(formatValue(0)).toBe("0");
    expect(formatValue(1200)).toBe("1200");
    expect(formatValue(0.123456)).toBe("0.1235");
    expect(formatValue(-2.5)).toBe("-2.5");
    expect(formatValue(1.5e-7)).toBe("1.5e-7");
    expect(formatValue(2345678.9)).toBe("2.346e6");
    expect(formatValue(Number.NaN)).toBe("NaN");
    expect(formatValue(Number.POSITIVE_INFINITY)).toBe("∞");
  });

  it("formats pixels to 0.01 without -0 and clamps non-finite input", () => {
    expect(formatPixel(12.345678)).toBe("12.35");
    expect(formatPixel(-0.001)).toBe("0");
    expect(formatPixel(3)).toBe("3");
    expect(formatPixel(Number.NaN)).toBe("0");
    expect(formatPixel(1e300)).toBe("1000000");
  });

  it("gives tick labels the decimals their step needs", () => {
    expect(formatTick(1, 0.5)).toBe("1.0");
    expect(formatTick(0.25, 0.05)).toBe("0.25");
    expect(formatTick(40, 10)).toBe("40");
    expect(formatTick(-0, 0.1)).toBe("0.0");
  });
});

describe("nice ticks", () => {
  it("rounds to 1, 2, 5 × 10^k", () => {
    expect(niceNumber(0.73, true)).toBe(1);
    expect(niceNumber(2.9, true)).toBe(2);
    expect(niceNumber(3.1, true)).toBe(5);
    expect(niceNumber(73, true)).toBe(100);
    expect(niceNumber(1.2, false)).toBe(2);
    expect(niceNumber(0.045, false)).toBeCloseTo(0.05, 15);
  });

  it("loose axes cover the data with evenly spaced multiples of a nice step", () => {
    for (const [lo, hi] of [
      [1, 47.3],
      [0.0012, 0.0189],
      [-3.2, 7.7],
      [1e5, 3.3e5],
    ] as const) {
      const axis = linearAxis(lo, hi, { target: 6 });
      expect(axis.lo).toBeLessThanOrEqual(lo);
      expect(axis.hi).toBeGreaterThanOrEqual(hi);
      const mantissa = axis.step / 10 ** Math.floor(Math.log10(axis.step));
      expect([1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-9)).toBe(true);
      expect(axis.ticks.length).toBeGreaterThanOrEqual(3);
      expect(axis.ticks.length).toBeLessThanOrEqual(12);
      for (const v of axis.ticks)
        expect(Math.abs(v / axis.step - Math.round(v / axis.step))).toBeLessThan(1e-9);
    }
    expect(linearAxis(0.1, 0.7, { target: 7 }).ticks).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
  });

  it("tight axes keep the domain and only ticks inside it", () => {
    const axis = linearAxis(0, 2.37, { mode: "tight", target: 6 });
    expect([axis.lo, axis.hi]).toEqual([0, 2.37]);
    expect(axis.ticks).toEqual([0, 0.5, 1, 1.5, 2]);
  });

  it("widens a flat range instead of dividing by zero", () => {
    const axis = linearAxis(1, 1);
    expect(axis.lo).toBeLessThan(1);
    expect(axis.hi).toBeGreaterThan(1);
    expect(new Set(axis.ticks).size).toBeGreaterThanOrEqual(2);
  });

  it("integer axes never step below 1", () => {
    expect(linearAxis(0, 3, { mode: "tight", target: 8, integer: true }).ticks).toEqual([0, 1, 2, 3]);
  });

  it("log axes use decades for wide ranges and 1-2-5 inside narrow ones", () => {
    const wide = logAxis(0.03, 420);
    expect([wide.lo, wide.hi]).toEqual([0.01, 1000]);
    expect(wide.ticks).toEqual([0.01, 0.1, 1, 10, 100, 1000]);
    const narrow = logAxis(2.9, 11.4);
    expect(narrow.lo).toBeLessThan(2.9);
    expect(narrow.hi).toBeGreaterThan(11.4);
    expect(narrow.ticks).toEqual([3, 5, 10]);
  });
});

describe("viridis", () => {
  const rgb = (hex: string) => [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
  // Relative luminance (sRGB, WCAG 2): viridis is designed so that it rises monotonically.
  const luminance = (hex: string) => {
    const [r, g, b] = rgb(hex).map((c) => {
      const s = c / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };

  it("matches matplotlib's viridis at the ends and the middle", () => {
    expect(viridis(0)).toBe("#440154");
    expect(viridis(1)).toBe("#fde725");
    // matplotlib viridis(0.5) = (0.127568, 0.566949, 0.550556) → #21918c.
    const mid = rgb(viridis(0.5));
    const expected = [0.127568, 0.566949, 0.550556].map((c) => c * 255);
    for (let k = 0; k < 3; k++) expect(Math.abs(mid[k]! - expected[k]!)).toBeLessThanOrEqual(1.5);
  });

  it("rises in luminance along the map and clamps outside [0, 1]", () => {
    let previous = -1;
    for (let k = 0; k <= 200; k++) {
      const l = luminance(viridis(k / 200));
      expect(l).toBeGreaterThan(previous);
      previous = l;
    }
    expect(viridis(-3)).toBe("#440154");
    expect(viridis(7)).toBe("#fde725");
    expect(viridis(Number.NaN)).toBe("#440154");
    expect(rankColor(0, 1)).toBe("#440154");
    expect(rankColor(4, 5)).toBe("#fde725");
  });
});

describe("the test XML checker itself", () => {
  it("accepts well-formed input and rejects malformed input", () => {
    expect(parseXml('<?xml version="1.0"?><a x="1"><b/>t&amp;u</a>').name).toBe("a");
    expect(parseXml("<!DOCTYPE html>\n<html><p>x</p></html>\n").name).toBe("html");
    for (const bad of [
      "<a><b></a></b>",
      "<a>x & y</a>",
      '<a x="<">t</a>',
      '<a x="1" x="2"/>',
      "<a x=1/>",
      "<a>",
      "<a/><b/>",
      "<a>&bogus;</a>",
    ]) {
      expect(() => parseXml(bad), bad).toThrow();
    }
  });
});
