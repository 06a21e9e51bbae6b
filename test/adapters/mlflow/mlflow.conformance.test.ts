import { createMlflowAdapter } from "../../../adapters/mlflow/index.js";
import { runAdapterConformance } from "../conformance.js";
import { FakeMlflowServer } from "./fake-server.js";

runAdapterConformance("mlflow", {
  async setup(runs, { pageSize }) {
    const server = new FakeMlflowServer();
    server.seed(runs);
    const url = await server.start();
    const adapter = createMlflowAdapter({
      trackingUri: url,
      experimentName: "magtrack-test",
      pageSize,
      sleep: async () => {},
      warn: (m) => {
        throw new Error(`unexpected warning: ${m}`);
      },
    });
    return {
      adapter,
      snapshot: async () => server.snapshot(),
      teardown: () => server.stop(),
    };
  },
});
