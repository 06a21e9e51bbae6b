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
        // The seed's files are what the run logged as an `activations` artifact.
        artifacts:
          Object.keys(run.files).length > 0
            ? [{ type: "activations", sequence: `activations-${run.id}`, files: { ...run.files } }]
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
