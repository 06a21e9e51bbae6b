import { InputError } from "./errors.js";
import type { GridKind } from "./types.js";

/** numpy.linspace(0, T, nScales): t_i = i·(T/(nScales−1)), last point exactly T. */
export function linearGrid(T: number, nScales: number): Float64Array {
  checkGrid(T, nScales);
  const ts = new Float64Array(nScales);
  const step = T / (nScales - 1);
  for (let i = 0; i < nScales; i++) ts[i] = i * step;
  ts[nScales - 1] = T;
  return ts;
}

/**
 * magnipy's log grid: [0] + numpy.geomspace(T/nScales, T, nScales − 1), i.e. 10^linspace(log10(T/nScales),
 * log10 T, nScales − 1) with both ends set exactly.
 */
export function logGrid(T: number, nScales: number): Float64Array {
  checkGrid(T, nScales);
  const ts = new Float64Array(nScales);
  const m = nScales - 1;
  const start = T / nScales;
  const ls = Math.log10(start);
  const le = Math.log10(T);
  if (m === 1) {
    ts[1] = T;
    return ts;
  }
  const step = (le - ls) / (m - 1);
  for (let k = 0; k < m; k++) ts[k + 1] = 10 ** (ls + k * step);
  ts[1] = start;
  ts[m] = T;
  return ts;
}

export function makeGrid(kind: GridKind, T: number, nScales: number): Float64Array {
  if (kind === "linear") return linearGrid(T, nScales);
  if (kind === "log") return logGrid(T, nScales);
  throw new InputError("grid-unknown", `grid "${String(kind)}": use "linear" or "log"`);
}

function checkGrid(T: number, nScales: number): void {
  if (!(T > 0 && Number.isFinite(T))) {
    throw new InputError("grid-T-invalid", `grid end T = ${T} must be finite and > 0`);
  }
  if (!Number.isInteger(nScales) || nScales < 2 || nScales > 100_000) {
    throw new InputError("grid-size-invalid", `nScales = ${nScales} must be an integer in [2, 100000]`);
  }
}
