/**
 * Results of two syncs compared as values, not bytes: structure, keys, strings and integers exactly,
 * floating-point numbers within `rel` relative (default 1e-9, the fast engine's accuracy; NaN equals
 * NaN). Syncs with different histories (a resumed sync, another worker count) precondition with the
 * factors of different earlier steps (src/core/fast/factor-cache.ts), so the last bits may differ.
 */
import { expect } from "vitest";

export function expectCloseResults(got: unknown, want: unknown, rel = 1e-9, path = "$"): void {
  if (
    typeof want === "number" &&
    typeof got === "number" &&
    !Number.isNaN(want) &&
    /(^|[./])error_bound$/.test(path)
  ) {
    // A stated bound, not a value: CG stopped at other iterates in the other history, and the bound
    // (quadratic in that iterate's residual) differs far beyond 1e-9 relative (seen: 2.6e-8) while
    // the values it bounds agree (compared above and below). Both must still be bounds: finite, ≥ 0.
    for (const v of [got, want]) expect(v >= 0 && Number.isFinite(v), `${path}: ${v}`).toBe(true);
    return;
  }
  if (typeof want === "number" && typeof got === "number") {
    if (Number.isNaN(want) || Number.isNaN(got)) {
      expect(Number.isNaN(got), path).toBe(Number.isNaN(want));
      return;
    }
    if (Number.isInteger(want) && Number.isInteger(got) && Math.abs(want) < 2 ** 31) {
      expect(got, path).toBe(want);
      return;
    }
    expect(Math.abs(got - want), `${path}: ${got} vs ${want}`).toBeLessThanOrEqual(rel * Math.abs(want));
    return;
  }
  if (Array.isArray(want)) {
    expect(Array.isArray(got), path).toBe(true);
    const g = got as unknown[];
    expect(g.length, `${path}.length`).toBe(want.length);
    for (const [i, w] of want.entries()) expectCloseResults(g[i], w, rel, `${path}[${i}]`);
    return;
  }
  if (want !== null && typeof want === "object") {
    expect(got !== null && typeof got === "object", path).toBe(true);
    const g = got as Record<string, unknown>;
    expect(Object.keys(g).sort(), `${path} keys`).toEqual(Object.keys(want).sort());
    for (const [k, w] of Object.entries(want)) expectCloseResults(g[k], w, rel, `${path}.${k}`);
    return;
  }
  expect(got, path).toEqual(want);
}
