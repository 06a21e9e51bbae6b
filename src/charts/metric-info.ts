/** The scalar metrics shown in the trend chart and the report, with their labels and meaning. */

export interface MetricInfo {
  /** Key in StepResult.metrics (written to trackers as magnitude/<layer>/<key>). */
  readonly key: string;
  /** Short label for chart panels and table headers. */
  readonly label: string;
  /** One-paragraph explanation for the report (plain text). */
  readonly explanation: string;
}

export const TREND_METRICS: readonly MetricInfo[] = [
  {
    key: "area",
    label: "MagArea / T",
    explanation:
      "Area under the magnitude function divided by the interval length: (1/T)·∫₀ᵀ Mag(tX) dt, by the " +
      "trapezoid rule on the layer's grid. It is the average effective number of distinct points over the " +
      "scales [0, T], between 1 and n; higher means a more diverse (more spread-out) representation at the " +
      "same scales (Limbeck et al. 2024).",
  },
  {
    key: "t_conv",
    label: "t_conv",
    explanation:
      "Convergence scale: the t at which Mag(tX) reaches q·n (q = 0.95 unless configured, n = distinct " +
      "probe points). Smaller values mean the points separate at coarser scales. It scales inversely with " +
      "the activations: multiplying them by s divides t_conv by s (Limbeck et al. 2024).",
  },
  {
    key: "dim",
    label: "magnitude dimension",
    explanation:
      "Magnitude dimension: the largest slope Δlog Mag / Δlog t between neighbouring grid scales. " +
      "Andreeva et al. (2023) found that lower magnitude dimension of training trajectories went with better " +
      "generalisation.",
  },
  {
    key: "diff_ref",
    label: "MagDiff vs reference",
    explanation:
      "Difference to the layer's reference step: (1/T)·∫₀ᵀ |Mag_X(t) − Mag_ref(t)| dt on the common grid; " +
      "0 at the reference step. It shows how far the representation's magnitude function has moved since " +
      "then (Limbeck et al. 2024).",
  },
];
