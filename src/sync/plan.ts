/**
 * Plan one run (pure): which activation files to read, given what the tracker already holds.
 * Nothing here does I/O, so the plan is what `--dry-run` prints and what tests check directly.
 */
import type { ActivationRef, LayerReference, RunState } from "../adapter-kit.js";
import { isLayerResult } from "./families.js";
import type { ComputeSettings } from "./settings.js";

export interface StepFilter {
  readonly layers?: readonly string[];
  readonly stepMin?: number;
  readonly stepMax?: number;
}

export interface PlannedRead {
  readonly ref: ActivationRef;
  /** "todo": results are written; "reference-only": read only to fix a layer's T or its reference curve. */
  readonly purpose: "todo" | "reference-only";
}

export interface PlanProblem {
  readonly layer: string;
  readonly path?: string;
  readonly message: string;
}

export interface RunPlan {
  /** Reads in processing order: a layer's reference step always comes before its other steps. */
  readonly reads: readonly PlannedRead[];
  /** (layer, step) pairs found that are already written. */
  readonly alreadyDone: number;
  /** Reference step per layer that has no stored reference yet (what the first sync will fix). */
  readonly referenceSteps: Readonly<Record<string, number>>;
  readonly problems: readonly PlanProblem[];
}

export const doneKey = (layer: string, step: number) => `${layer}\u0000${step}`;

function inRange(step: number, f: StepFilter): boolean {
  return (f.stepMin === undefined || step >= f.stepMin) && (f.stepMax === undefined || step <= f.stepMax);
}

const FORMAT_PREFERENCE = { npy: 0, safetensors: 1, npz: 2 } as const;

export function planRun(
  activations: readonly ActivationRef[],
  state: RunState,
  settings: Pick<ComputeSettings, "referenceStep">,
  filter: StepFilter = {},
): RunPlan {
  const problems: PlanProblem[] = [];
  const layerResults = state.written.filter(isLayerResult);
  const done = new Set(layerResults.map((r) => doneKey(r.layer, r.step)));
  const writtenSteps = new Set(layerResults.map((r) => r.step));
  const wantLayer = (layer: string) => filter.layers === undefined || filter.layers.includes(layer);

  // One file per (layer, step): if several match (step_1.npy and step_01.npy …), keep one and say so.
  const byKey = new Map<string, ActivationRef>();
  for (const ref of activations) {
    if (ref.layer !== "" && !wantLayer(ref.layer)) continue;
    const key = doneKey(ref.layer, ref.step);
    const prev = byKey.get(key);
    if (prev === undefined) {
      byKey.set(key, ref);
      continue;
    }
    const keep =
      FORMAT_PREFERENCE[ref.format] < FORMAT_PREFERENCE[prev.format] ||
      (ref.format === prev.format && ref.path < prev.path)
        ? ref
        : prev;
    const drop = keep === ref ? prev : ref;
    byKey.set(key, keep);
    problems.push({
      layer: ref.layer,
      path: drop.path,
      message: `ignored: ${keep.path} already holds layer "${ref.layer || "*"}" at step ${ref.step}`,
    });
  }

  const perLayer = new Map<string, ActivationRef[]>();
  for (const ref of byKey.values()) {
    const list = perLayer.get(ref.layer) ?? [];
    list.push(ref);
    perLayer.set(ref.layer, list);
  }

  const layerReads: PlannedRead[][] = [];
  const referenceSteps: Record<string, number> = {};
  let alreadyDone = 0;
  for (const [layer, refs] of [...perLayer.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    refs.sort((a, b) => a.step - b.step);
    const multiLayer = layer === "";
    const isDone = (step: number) => (multiLayer ? writtenSteps.has(step) : done.has(doneKey(layer, step)));
    const stored: LayerReference | undefined = multiLayer ? undefined : state.references[layer];
    let referenceRef: ActivationRef | undefined;
    if (stored === undefined) {
      const wanted = settings.referenceStep ?? refs[0]!.step;
      referenceRef = refs.find((r) => r.step === wanted);
      if (referenceRef === undefined) {
        problems.push({ layer, message: `reference step ${wanted} not found for layer "${layer || "*"}"` });
        continue;
      }
      if (!multiLayer) referenceSteps[layer] = referenceRef.step;
    }
    const reads: PlannedRead[] = [];
    layerReads.push(reads);
    const todo: PlannedRead[] = [];
    for (const ref of refs) {
      if (isDone(ref.step)) alreadyDone++;
      else if (inRange(ref.step, filter)) todo.push({ ref, purpose: "todo" });
    }
    if (referenceRef !== undefined && todo.length > 0) {
      const at = todo.findIndex((r) => r.ref === referenceRef);
      if (at >= 0) todo.splice(at, 1);
      reads.push({ ref: referenceRef, purpose: at >= 0 ? "todo" : "reference-only" });
    }
    reads.push(...todo);
  }
  return { reads: roundRobin(layerReads), alreadyDone, referenceSteps, problems };
}

/**
 * The layers' reads taken in turn (layer a's first, layer b's first, …, a's second, …), each layer in
 * its own order. Then the worker pool's queue holds several layers at once and can keep each layer
 * on one thread (src/sync/pool-lanes.ts); read layer by layer, a queue held one layer, whose steps
 * alternated between the threads.
 */
function roundRobin<T>(lists: readonly (readonly T[])[]): T[] {
  const out: T[] = [];
  const longest = Math.max(0, ...lists.map((l) => l.length));
  for (let i = 0; i < longest; i++) for (const list of lists) if (i < list.length) out.push(list[i]!);
  return out;
}
