/**
 * The CLI wired to the tracker adapters through env and flags, against the in-process fake servers
 * on 127.0.0.1: sync writes, re-sync writes nothing, and no credential shows in any output.
 */
import { afterEach, describe, expect, it } from "vitest";
import { encodeNpy } from "../../src/io/npy-write.js";
import { FakeMlflowServer } from "../adapters/mlflow/fake-server.js";
import type { FakeWandbServer } from "../adapters/wandb/fake-server.js";
import { startFake, TEST_KEY } from "../adapters/wandb/harness.js";
import { FIXTURE } from "../adapters/wandb/seed.js";
import { cli } from "../helpers/cli.js";
import { stepCloud } from "../helpers/store.js";

const files = Object.fromEntries(
  [0, 2].map((s) => [`activations/fc1/step_${s}.npy`, encodeNpy(stepCloud(5, 24, 3, s), [24, 3])]),
);
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

const lastJson = (out: string) => JSON.parse(out.trim().split("\n").at(-1)!);

describe("magtrack sync --tracker mlflow", () => {
  it("reads MLFLOW_* env, writes the run's metrics once, and never prints the password", async () => {
    const server = new FakeMlflowServer();
    server.seed([{ id: "run-a", status: "FINISHED", startTime: Date.UTC(2026, 0, 1), files }]);
    const url = await server.start();
    stops.push(() => server.stop());
    const password = "mlflow-cli-test-password-5e2f";
    const env = {
      MLFLOW_TRACKING_URI: url,
      MLFLOW_TRACKING_USERNAME: "alice",
      MLFLOW_TRACKING_PASSWORD: password,
    };
    const experiment = server.experiments[0]!.name;
    const first = await cli(["sync", "--tracker", "mlflow", "--experiment", experiment, "--json"], { env });
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(lastJson(first.stdout)).toMatchObject({ type: "summary", runs: 1, failed: 0, stepsWritten: 2 });
    const run = server.runs.get("run-a")!;
    const areas = run.metrics.filter((m) => m.key === "magnitude/fc1/area").map((m) => m.step);
    expect(areas.sort()).toEqual([0, 2]);
    const stored = run.metrics.length;
    const second = await cli(["sync", "--tracker", "mlflow", "--experiment", experiment, "--json"], { env });
    expect(lastJson(second.stdout)).toMatchObject({ stepsWritten: 0, unchanged: 1 });
    expect(run.metrics.length).toBe(stored);
    expect(first.stdout + first.stderr + second.stdout + second.stderr).not.toContain(password);
  });
});

describe("magtrack sync --tracker wandb", () => {
  it("reads WANDB_* env, appends rows after the run's history, and never prints the key", async () => {
    const fake: FakeWandbServer = await startFake();
    stops.push(() => fake.stop());
    const run = fake.addRun({
      name: "trained",
      history: FIXTURE.history,
      summary: FIXTURE.summary,
      config: FIXTURE.config,
      // Names inside an artifact are relative to its root (art.add_dir("activations") holds fc1/step_0.npy).
      artifacts: [
        {
          type: "activations",
          sequence: "acts",
          files: Object.fromEntries(
            Object.entries(files).map(([k, v]) => [k.replace(/^activations\//, ""), v]),
          ),
        },
      ],
    });
    const env = { WANDB_API_KEY: TEST_KEY, WANDB_BASE_URL: fake.baseUrl };
    const args = ["sync", "--tracker", "wandb", "--entity", "team", "--project", "proj", "--json"];
    const first = await cli(args, { env });
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(lastJson(first.stdout)).toMatchObject({ runs: 1, failed: 0, stepsWritten: 2 });
    expect(run.history.slice(0, FIXTURE.history.length)).toEqual(FIXTURE.history);
    expect(run.history.length).toBe(FIXTURE.history.length + 2);
    expect(run.state).toBe("finished");
    const second = await cli(args, { env });
    expect(lastJson(second.stdout)).toMatchObject({ stepsWritten: 0 });
    expect(run.history.length).toBe(FIXTURE.history.length + 2);
    expect(first.stdout + first.stderr + second.stdout + second.stderr).not.toContain(TEST_KEY);
  });
});
