/** Maps from data values to pixels. */

export type Scale = (value: number) => number;

/** x ↦ r0 + (x − d0)·(r1 − r0)/(d1 − d0); a degenerate domain maps everything to the middle. */
export function linearScale(d0: number, d1: number, r0: number, r1: number): Scale {
  if (!(d1 !== d0) || !Number.isFinite(d1 - d0)) {
    const middle = (r0 + r1) / 2;
    return () => middle;
  }
  const k = (r1 - r0) / (d1 - d0);
  return (x) => r0 + (x - d0) * k;
}

/** x ↦ linear in log10(x), for 0 < d0 < d1. */
export function logScale(d0: number, d1: number, r0: number, r1: number): Scale {
  const linear = linearScale(Math.log10(d0), Math.log10(d1), r0, r1);
  return (x) => linear(Math.log10(x));
}
