/** Events the pipeline emits; the CLI renders them as a progress bar (TTY) or NDJSON (--json). */
export type SyncEvent =
  | {
      type: "run-start";
      run: string;
      files: number;
      todo: number;
      alreadyDone: number;
      /** Layers the run's activation files name (before --layers filters them). */
      layers: string[];
    }
  | {
      type: "step-done";
      run: string;
      /** Absent for a layer's activations; "trajectory" / "reptraj" for trajectory windows. */
      family?: "trajectory" | "reptraj";
      layer: string;
      step: number;
      ms: number;
      metrics: Record<string, number>;
    }
  | {
      type: "file-failed";
      run: string;
      path: string;
      layer: string;
      step: number;
      code: string;
      message: string;
    }
  | { type: "plan-problem"; run: string; layer: string; path?: string; message: string }
  | {
      type: "run-written";
      run: string;
      metricsWritten: number;
      filesWritten: number;
      skippedExisting: number;
    }
  | { type: "run-unchanged"; run: string; alreadyDone: number }
  | { type: "run-deferred"; run: string; reason: string }
  /** A deferred run synced through the adapter's live view: results go to `target` instead. */
  | { type: "run-live"; run: string; target: string; reason: string }
  | { type: "run-failed"; run: string; code: string; message: string }
  | {
      type: "run-planned";
      run: string;
      /** Trajectory windows (trajectory/, reptraj/) the sync would compute. */
      windows: number;
      reads: { path: string; layer: string; step: number; purpose: string }[];
    }
  | { type: "known-failures-skipped"; run: string; count: number; paths: string[]; message: string }
  | { type: "stopped"; reason: string }
  /** A run or layer filter (--runs, --layers) named something no listed run / found file has. */
  | { type: "filter-unmatched"; option: "runs" | "layers"; values: string[]; message: string }
  /** A layer's experiment T (docs/scale.md): read from the tracker, fixed now, or adopted from a racer. */
  | {
      type: "experiment-scale";
      layer: string;
      T: number;
      run: string;
      step: number;
      origin: "stored" | "fixed" | "adopted";
    }
  /** An alert rule held for the first time on this run and key (docs/alerts.md); raised once. */
  | {
      type: "alert";
      run: string;
      id: string;
      rule: string;
      key: string;
      layer: string;
      step: number;
      value: number;
      detail: string;
    }
  /** An alert was recorded but an extra delivery (--alert-webhook) gave up after its retries. */
  | { type: "alert-undelivered"; run: string; id: string; channel: "webhook"; message: string }
  /** The index page across runs was rewritten (docs/views.md; trackers that keep one: local). */
  | { type: "run-index"; location: string; runs: number }
  | { type: "notice"; message: string };

export type EventSink = (event: SyncEvent) => void;

export interface RunOutcome {
  readonly run: string;
  readonly status: "ok" | "unchanged" | "deferred" | "failed" | "partial" | "planned";
  readonly stepsComputed: number;
  readonly stepsWritten: number;
  readonly failures: number;
  /** Dry run: the (layer, step) results the plan would write. */
  readonly stepsPlanned?: number;
  /** Activation files the adapter found for the run (0: nothing matched the pattern). */
  readonly filesFound?: number;
  /** Files set aside because they failed before and are unchanged (known-failures.ts). */
  readonly knownFailuresSkipped?: number;
}

export interface SyncSummary {
  readonly runs: number;
  readonly ok: number;
  readonly unchanged: number;
  readonly deferred: number;
  readonly failed: number;
  readonly stepsWritten: number;
  /** Dry run: steps the plans would write. */
  readonly stepsPlanned: number;
  /** Runs in which no activation file matched the pattern. */
  readonly runsWithoutFiles: number;
  readonly fileFailures: number;
  /** Files not read again because they failed in an earlier sync and are unchanged (--retry-failed). */
  readonly knownFailuresSkipped: number;
  readonly stoppedEarly: string | null;
  /** Set when this sync did nothing because another sync of the store holds its lock file. */
  readonly skippedByLock?: { readonly lockFile: string; readonly holder: string };
  readonly outcomes: readonly RunOutcome[];
}
