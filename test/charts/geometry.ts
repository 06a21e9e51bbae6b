/** Reading chart geometry back from the SVG: the plot area, the tick labels and their pixels. */
import { expect } from "vitest";
import { byClass, findAll, textContent, type XmlElement } from "./xml-check.js";

export interface Frame {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

export function plotFrame(node: XmlElement): Frame {
  const [rect] = byClass(node, "rect", "plot-area");
  expect(rect, "plot-area rect").toBeDefined();
  const x = Number(rect!.attrs["x"]);
  const y = Number(rect!.attrs["y"]);
  return {
    left: x,
    right: x + Number(rect!.attrs["width"]),
    top: y,
    bottom: y + Number(rect!.attrs["height"]),
  };
}

/** (value printed on the label, pixel position of the tick line) for the ticks of one axis. */
export function ticks(node: XmlElement, axis: "x" | "y"): { value: number; px: number }[] {
  return findAll(node, (e) => e.name === "g" && e.attrs["class"] === `tick ${axis}`).map((g) => {
    const line = findAll(g, (e) => e.name === "line")[0]!;
    const text = findAll(g, (e) => e.name === "text")[0]!;
    return { value: Number(textContent(text)), px: Number(line.attrs[axis === "x" ? "x1" : "y1"]) };
  });
}

/**
 * The axis formula implied by the first and last ticks (px = a + b·f(value), f = identity or
 * log10), after checking that every other tick lies on the same line to 0.02 px.
 */
export function axisFromTicks(
  list: readonly { value: number; px: number }[],
  f: (v: number) => number = (v) => v,
): (value: number) => number {
  expect(list.length).toBeGreaterThanOrEqual(2);
  for (const t of list) expect(Number.isFinite(t.value), `tick label ${t.value}`).toBe(true);
  const first = list[0]!;
  const last = list[list.length - 1]!;
  const slope = (last.px - first.px) / (f(last.value) - f(first.value));
  const map = (v: number) => first.px + (f(v) - f(first.value)) * slope;
  for (const t of list) expect(Math.abs(map(t.value) - t.px)).toBeLessThan(0.02);
  return map;
}

export function polylinePoints(e: XmlElement): [number, number][] {
  return e.attrs["points"]!.split(" ").map((p) => p.split(",").map(Number) as [number, number]);
}

/** Points of an SVG path made of M/L commands; null marks a pen-up ("M") after the first point. */
export function pathPoints(d: string): ([number, number] | null)[] {
  const out: ([number, number] | null)[] = [];
  for (const m of d.matchAll(/([ML])(-?[\d.]+) (-?[\d.]+)/g)) {
    if (m[1] === "M" && out.length > 0) out.push(null);
    out.push([Number(m[2]), Number(m[3])]);
  }
  return out;
}
