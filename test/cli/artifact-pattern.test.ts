/**
 * `--artifact-pattern` (MAGTRACK_ARTIFACT_PATTERN, config key "artifact-pattern"): the pattern for
 * files inside W&B `activations` artifacts, relative to the artifact root. A pattern that matches
 * none of them is said (plan-problem naming the pattern and the files seen), also when the run's own
 * files matched; other trackers ignore it with a warning. Against the W&B fake on 127.0.0.1.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { encodeNpy } from "../../src/io/npy-write.js";
import type { FakeWandbServer } from "../adapters/wandb/fake-server.js";
import { startFake, TEST_KEY } from "../adapters/wandb/harness.js";
import { cli } from "../helpers/cli.js";
import { makeStore, stepCloud } from "../helpers/store.js";

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

const events = (out: string) =>
  out
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const cloud = (seed: number, step: number) => encodeNpy(stepCloud(seed, 24, 3, step), [24, 3]);

describe("--artifact-pattern (W&B)", () => {
  it("a pattern that matches no artifact file is said; the right one via MAGTRACK_ARTIFACT_PATTERN reads them", async () => {
    const fake: FakeWandbServer = await startFake();
    stops.push(() => fake.stop());
    fake.addRun({
      name: "trained",
      // A run file the default run pattern (activations/{layer}/step_{step}.{ext}) matches …
      files: { "activations/fc0/step_0.npy": cloud(3, 0) },
      // … and an artifact whose names follow the job's own scheme.
      artifacts: [
        {
          type: "activations",
          sequence: "acts",
          files: { "acts/fc1/s0.npy": cloud(5, 0), "acts/fc1/s2.npy": cloud(5, 2) },
        },
      ],
    });
    const env = { WANDB_API_KEY: TEST_KEY, WANDB_BASE_URL: fake.baseUrl };
    const args = ["sync", "--tracker", "wandb", "--entity", "team", "--project", "proj", "--json"];

    const wrong = await cli([...args, "--artifact-pattern", "acts/{layer}/x{step}.{ext}"], { env });
    expect(wrong.code, wrong.stdout + wrong.stderr).toBe(0);
    const problem = events(wrong.stdout).find((e) => e.type === "plan-problem");
    expect(problem).toMatchObject({ run: expect.any(String) });
    expect(String(problem?.message)).toContain(
      `no file in the run's activations artifacts matched the artifact pattern "acts/{layer}/x{step}.{ext}"`,
    );
    expect(String(problem?.message)).toContain("2 file(s) not read");
    expect(String(problem?.message)).toContain('"acts/fc1/s0.npy"');
    expect(events(wrong.stdout).at(-1)).toMatchObject({ type: "summary", stepsWritten: 1, failed: 0 }); // fc0 only

    const right = await cli(args, {
      env: { ...env, MAGTRACK_ARTIFACT_PATTERN: "acts/{layer}/s{step}.{ext}" },
    });
    expect(right.code, right.stdout + right.stderr).toBe(0);
    expect(right.stderr).not.toContain("unknown"); // the variable is known, not warned about
    expect(events(right.stdout).filter((e) => e.type === "plan-problem")).toEqual([]);
    expect(events(right.stdout).at(-1)).toMatchObject({ type: "summary", stepsWritten: 2, failed: 0 }); // fc1 0, 2
    expect(wrong.stdout + wrong.stderr + right.stdout + right.stderr).not.toContain(TEST_KEY);
  });

  it("is in --help, is read from a config file, and is ignored with a warning by other trackers", async () => {
    // yargs prints --help with console.log (not through the CLI context).
    const printed: string[] = [];
    const log = vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => {
      printed.push(a.join(" "));
    });
    try {
      expect((await cli(["sync", "--help"])).code).toBe(0);
    } finally {
      log.mockRestore();
    }
    const help = printed.join("\n").replace(/\s+/g, " ");
    expect(help).toContain("--artifact-pattern");
    expect(help).toContain("relative to the artifact root");
    const root = await makeStore({ runs: { "run-a": { layers: { fc1: [0] } } }, n: 12, d: 2 });
    const config = join(await mkdtemp(join(tmpdir(), "magtrack-config-")), "magtrack.json");
    await writeFile(config, JSON.stringify({ "artifact-pattern": "{layer}/{step}.{ext}" }));
    const local = await cli(["sync", "--root", root, "--config", config, "--no-lock"]);
    expect(local.code, local.stderr).toBe(0);
    expect(local.stderr).toContain(
      "--artifact-pattern is for W&B artifacts only; ignored with --tracker local",
    );
    expect(local.stdout).toContain("1 steps written");
  });
});
