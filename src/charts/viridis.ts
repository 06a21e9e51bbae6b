/**
 * The viridis colormap (S. van der Walt, N. Smith, E. Firing; matplotlib, 2015; CC0 / public
 * domain): perceptually uniform, readable in greyscale and by the common colour-vision
 * deficiencies. The table holds every 8th entry of the 256-entry original (indices 0, 8, …,
 * 248, and 255), as sRGB hex; colours in between are linear interpolations in sRGB, which differ
 * from the full table by at most 1/255 per channel.
 */
const STOPS: readonly string[] = [
  "440154",
  "470d60",
  "48186a",
  "482374",
  "472d7b",
  "453781",
  "424086",
  "3e4989",
  "3b528b",
  "375b8d",
  "33638d",
  "2f6b8e",
  "2c728e",
  "297a8e",
  "26828e",
  "23898e",
  "21918c",
  "1f988b",
  "1fa088",
  "22a785",
  "28ae80",
  "32b67a",
  "3fbc73",
  "4ec36b",
  "5ec962",
  "70cf57",
  "84d44b",
  "98d83e",
  "addc30",
  "c2df23",
  "d8e219",
  "ece51b",
  "fde725",
];

/** Position of stop k in [0, 1]: its index in the 256-entry table over 255. */
function stopPosition(k: number): number {
  return Math.min(255, k * 8) / 255;
}

function channels(hex: string): [number, number, number] {
  return [
    Number.parseInt(hex.slice(0, 2), 16),
    Number.parseInt(hex.slice(2, 4), 16),
    Number.parseInt(hex.slice(4, 6), 16),
  ];
}

function hex2(v: number): string {
  return Math.round(Math.max(0, Math.min(255, v)))
    .toString(16)
    .padStart(2, "0");
}

/** The viridis colour at u ∈ [0, 1] (clamped; NaN → 0) as "#rrggbb": 0 = dark purple, 1 = yellow. */
export function viridis(u: number): string {
  const x = Number.isNaN(u) ? 0 : Math.max(0, Math.min(1, u));
  let k = 0;
  while (k < STOPS.length - 2 && stopPosition(k + 1) < x) k++;
  const p0 = stopPosition(k);
  const p1 = stopPosition(k + 1);
  const f = (x - p0) / (p1 - p0);
  const a = channels(STOPS[k]!);
  const b = channels(STOPS[k + 1]!);
  return `#${hex2(a[0] + (b[0] - a[0]) * f)}${hex2(a[1] + (b[1] - a[1]) * f)}${hex2(a[2] + (b[2] - a[2]) * f)}`;
}

/** Colour of the i-th of `count` items in order (first = 0, last = 1; a single item gets 0). */
export function rankColor(i: number, count: number): string {
  return viridis(count <= 1 ? 0 : i / (count - 1));
}
