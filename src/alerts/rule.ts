/** An alert rule (docs/alerts.md): which metric keys it watches (a glob) and when it fires. */

export type ThresholdOp = ">" | "<" | ">=" | "<=";

export type AlertCondition =
  /** The value crosses a fixed bound. */
  | { readonly kind: "threshold"; readonly op: ThresholdOp; readonly bound: number }
  /**
   * Sudden change: robust z of the step-to-step change against the previous `window` changes
   * (src/alerts/robust-z.ts) exceeds `z`, once at least `minHistory` earlier changes exist.
   */
  | { readonly kind: "jump"; readonly z: number; readonly window: number; readonly minHistory: number }
  /**
   * Out of band: the value lies outside [min, max] of the experiment's finished runs at the same
   * fraction of training (src/alerts/band.ts), once at least MIN_BAND_RUNS of them have a value there.
   */
  | { readonly kind: "outside"; readonly reference: "finished" };

export interface AlertRule {
  /** The rule as the user wrote it (trimmed): its identity in alert records. */
  readonly text: string;
  /** Glob over metric keys "<family>/<layer>/<name>"; `*` matches any run of characters. */
  readonly glob: string;
  readonly condition: AlertCondition;
}

/** Previous changes the jump rule compares against (K), and how many it needs before it may fire. */
export const JUMP_WINDOW = 10;
export const JUMP_MIN_HISTORY = 5;
