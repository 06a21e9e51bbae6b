/** Step 2 of the flow (find): every activation file the adapter lists for a run. */
import type { ActivationRef, RunRef, TrackerAdapter } from "../adapter-kit.js";

export async function findActivations(
  adapter: TrackerAdapter,
  run: RunRef,
  signal?: AbortSignal,
): Promise<ActivationRef[]> {
  const out: ActivationRef[] = [];
  for await (const ref of adapter.listActivations(run, signal)) out.push(ref);
  return out;
}
