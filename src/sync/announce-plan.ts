/** Step 3 of the flow (plan): the pure plan of a run, with its problems and its start announced. */
import type { ActivationRef, RunRef, RunState } from "../adapter-kit.js";
import type { EventSink } from "./events.js";
import { planRun, type RunPlan, type StepFilter } from "./plan.js";
import type { ComputeSettings } from "./settings.js";

export interface AnnouncedPlan extends RunPlan {
  /** Planned reads whose results will be written (not only read to fix a reference). */
  readonly todoCount: number;
}

export function planAndAnnounce(
  run: RunRef,
  activations: readonly ActivationRef[],
  state: RunState,
  settings: ComputeSettings,
  filter: StepFilter,
  emit: EventSink,
): AnnouncedPlan {
  const plan = planRun(activations, state, settings, filter);
  for (const p of plan.problems) emit({ type: "plan-problem", run: run.id, ...p });
  const todoCount = plan.reads.filter((r) => r.purpose === "todo").length;
  emit({
    type: "run-start",
    run: run.id,
    files: activations.length,
    todo: todoCount,
    alreadyDone: plan.alreadyDone,
    layers: [...new Set(activations.map((a) => a.layer).filter((l) => l !== ""))].sort(),
  });
  return { ...plan, todoCount };
}
