/** Step 9 of the flow (report): a run's closing events and its outcome. */
import type { RunRef } from "../adapter-kit.js";
import type { AnnouncedPlan } from "./announce-plan.js";
import type { ComputedRun } from "./compute-run.js";
import type { EventSink, RunOutcome } from "./events.js";

export function reportDryRun(run: RunRef, plan: AnnouncedPlan, emit: EventSink, windows = 0): RunOutcome {
  emit({
    type: "run-planned",
    run: run.id,
    windows,
    reads: plan.reads.map((r) => ({
      path: r.ref.path,
      layer: r.ref.layer,
      step: r.ref.step,
      purpose: r.purpose,
    })),
  });
  return {
    run: run.id,
    status: "planned",
    stepsComputed: 0,
    stepsWritten: 0,
    failures: 0,
    stepsPlanned: plan.todoCount + windows,
  };
}

export function reportUnchanged(
  run: RunRef,
  plan: AnnouncedPlan,
  filesFound: number,
  emit: EventSink,
): RunOutcome {
  if (filesFound === 0) {
    // "Up to date" would be false comfort: nothing matched, so nothing was ever looked at.
    emit({
      type: "plan-problem",
      run: run.id,
      layer: "",
      message:
        "no activation file in this run matches the pattern (is --root the store, holding one folder per run, and are the files named like the pattern?)",
    });
  } else {
    emit({ type: "run-unchanged", run: run.id, alreadyDone: plan.alreadyDone });
  }
  return { run: run.id, status: "unchanged", stepsComputed: 0, stepsWritten: 0, failures: 0, filesFound };
}

/** The adapter vouched that nothing changed since a write covering every file (TrackerAdapter.upToDate). */
export function reportUpToDate(run: RunRef, steps: number, emit: EventSink): RunOutcome {
  emit({ type: "run-unchanged", run: run.id, alreadyDone: steps });
  return { run: run.id, status: "unchanged", stepsComputed: 0, stepsWritten: 0, failures: 0 };
}

/** Layers left without T are said once, after every file was tried. */
export function reportWaiting(run: RunRef, computed: ComputedRun, emit: EventSink): void {
  for (const [layer, steps] of computed.waitingForReference) {
    emit({
      type: "plan-problem",
      run: run.id,
      layer,
      message:
        `layer "${layer}": step(s) ${steps.join(", ")} have one distinct row (collapsed: Mag ≡ 1), so ` +
        "t_conv is undefined there; written with collapsed = 1 and the values defined without T. " +
        "The layer's T is fixed by its first step that has a t_conv (or pin --t-max)",
    });
  }
}

export function runOutcome(run: RunRef, computed: ComputedRun, stepsWritten: number): RunOutcome {
  const { failures, results } = computed;
  const status = failures === 0 ? "ok" : results.length > 0 ? "partial" : "failed";
  return { run: run.id, status, stepsComputed: results.length, stepsWritten, failures };
}
