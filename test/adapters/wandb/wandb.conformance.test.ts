import { runAdapterConformance } from "../conformance.js";
import { adapterFor, startFake } from "./harness.js";

runAdapterConformance("wandb", {
  deferredStatus: "running",
  async setup(runs) {
    const fake = await startFake();
    fake.addProject("team", "proj");
    for (const run of runs) {
      fake.addRun({
        name: run.id,
        ...(run.displayName ? { displayName: run.displayName } : {}),
        state: run.status,
        createdAt: run.startTime,
        // The seed's files under activations/ are what the run logged as an `activations` artifact
        // with art.add_dir("activations"): W&B names them relative to the artifact root, so
        // "activations/fc1/step_0.npy" is stored as "fc1/step_0.npy" (../shared/TRACKERS.md).
        // Its other files are run files (run.save), matched by the run-file pattern.
        files: outside(run.files),
        artifacts:
          Object.keys(inside(run.files)).length > 0
            ? [{ type: "activations", sequence: `activations-${run.id}`, files: inside(run.files) }]
            : [],
      });
    }
    return {
      adapter: adapterFor(fake),
      snapshot: async () => fake.snapshot(),
      teardown: () => fake.stop(),
    };
  },
});

const PREFIX = "activations/";
function inside<T>(files: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(
    Object.entries(files)
      .filter(([path]) => path.startsWith(PREFIX))
      .map(([path, v]) => [path.slice(PREFIX.length), v]),
  );
}
function outside<T>(files: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(Object.entries(files).filter(([path]) => !path.startsWith(PREFIX)));
}
