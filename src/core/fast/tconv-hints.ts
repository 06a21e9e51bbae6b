/**
 * Where t_conv of a sequence's previous cloud lay (issue 16: "bracket t_conv from the previous step's
 * value"). Consecutive steps of a layer move t_conv very little (drifting clouds of bench/: 1.3660,
 * 1.3663, 1.3679), so Newton started there needs 2–3 probes, against the Cauchy–Schwarz bracket's
 * halvings (one exp pass each) and 6–7 probes from its flat end (tconv-fast.ts).
 *
 * Kept per thread (module state), keyed by sequence, n and q, as the unit-free t·D_max (clouds of a
 * sequence may come in different units). At most MAX_HINTS sequences (the oldest go first).
 */
const MAX_HINTS = 4096;
const hints = new Map<string, number>();

const keyOf = (sequence: string, n: number, q: number) => `${n}\u0000${q}\u0000${sequence}`;

/** The previous cloud's t_conv(q)·D_max for this sequence and n, or undefined. */
export function tConvHint(sequence: string, n: number, q: number): number | undefined {
  return hints.get(keyOf(sequence, n, q));
}

export function rememberTConv(sequence: string, n: number, q: number, scaled: number): void {
  const key = keyOf(sequence, n, q);
  hints.delete(key); // re-insert: Map order is insertion order, the oldest first
  hints.set(key, scaled);
  if (hints.size > MAX_HINTS) hints.delete(hints.keys().next().value as string);
}

/** Forget every hint (tests). */
export function clearTConvHints(): void {
  hints.clear();
}
