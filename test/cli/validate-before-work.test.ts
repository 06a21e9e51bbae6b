/**
 * Issue 11, configuration and usage: flags, env and config are checked before any work. A mistyped
 * flag exits 2 with nothing read, written or printed on stdout; the documented MAGTRACK_* variables
 * work where they make sense and never turn a finished command into exit 2; unknown ones warn.
 */
import { access, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { optionsFromEnv } from "../../src/cli/env-config.js";
import { COMMAND_OPTION_NAMES } from "../../src/cli/options.js";
import { encodeNpy } from "../../src/io/npy-write.js";
import { cli } from "../helpers/cli.js";
import { lcgUniform, makeStore, readResultLines } from "../helpers/store.js";

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function store(): Promise<string> {
  const root = await makeStore(
    { runs: { "run-a": { layers: { fc1: [0, 1] } }, "run-b": { layers: { fc1: [0] } } } },
    undefined,
  );
  dirs.push(root);
  return root;
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe("flags are validated before any work", () => {
  it("sync --max-point 50 (a typo) exits 2 and writes nothing", async () => {
    const root = await store();
    const out = await cli(["sync", "--root", root, "--max-point", "50", "--workers", "1"]);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/Unknown argument.*max-point/);
    expect(out.stdout).toBe("");
    expect(await exists(join(root, "run-a", "magnitude"))).toBe(false);
    expect(await exists(join(root, "run-b", "magnitude"))).toBe(false);
  });

  it("compute f.npy --tmax 3 exits 2 before printing a table", async () => {
    const dir = await mkdtemp(join(tmpdir(), "magtrack-validate-"));
    dirs.push(dir);
    await writeFile(join(dir, "f.npy"), encodeNpy(lcgUniform(3, 20 * 2), [20, 2]));
    const out = await cli(["compute", "f.npy", "--tmax", "3"], { cwd: dir });
    expect(out.code).toBe(2);
    expect(out.stdout).toBe("");
    expect(out.stderr).toMatch(/Unknown argument: tmax/);
    expect(out.stderr).not.toMatch(/T = /);
  });

  it("--status finishd is a usage error naming the valid states, before any run is read", async () => {
    const root = await store();
    const out = await cli(["backfill", "--root", root, "--status", "finishd", "--workers", "1"]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("--status finishd: not a run state");
    expect(out.stderr).toContain("finished");
    expect(out.stdout).toBe("");
  });

  it("a bad MAGTRACK_* value for a known option is refused before work too", async () => {
    const root = await store();
    const out = await cli(["sync", "--root", root, "--workers", "1"], { env: { MAGTRACK_MAX_POINTS: "0" } });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("--max-points must be a positive integer");
    expect(await exists(join(root, "run-a", "magnitude"))).toBe(false);
  });
});

describe("the documented environment variables", () => {
  it("JOB_COMPLETION_INDEX + MAGTRACK_SHARD_COUNT shard a sync and exit 0 (every pod of examples/k8s)", async () => {
    const root = await store();
    const env = { JOB_COMPLETION_INDEX: "0", MAGTRACK_SHARD_COUNT: "2" };
    const shard0 = await cli(["sync", "--root", root, "--workers", "1"], { env });
    expect(shard0.code, shard0.stderr).toBe(0);
    const shard1 = await cli(["sync", "--root", root, "--workers", "1"], {
      env: { ...env, JOB_COMPLETION_INDEX: "1" },
    });
    expect(shard1.code, shard1.stderr).toBe(0);
    // The two shards together cover both runs, each once (3 steps in all).
    const runs = (s: string) => Number(/(\d+) runs?,/.exec(s)?.[1]);
    expect(runs(shard0.stdout) + runs(shard1.stdout)).toBe(2);
    expect((await readResultLines(root, "run-a")).length).toBe(2);
    expect((await readResultLines(root, "run-b")).length).toBe(1);
  });

  it("MAGTRACK_ROOT is ignored by compute (exit 0)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "magtrack-validate-"));
    dirs.push(dir);
    await writeFile(join(dir, "f.npy"), encodeNpy(lcgUniform(3, 20 * 2), [20, 2]));
    const out = await cli(["compute", "f.npy"], { cwd: dir, env: { MAGTRACK_ROOT: "/nonexistent" } });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain("f.npy");
    expect(out.stderr).not.toContain("warning");
  });

  it("MAGTRACK_MAX_POINTS reaches demo's options (checked before the demo trains anything)", async () => {
    // The demo trains for seconds; that the value is used is shown by refusing a bad one before work,
    // and by the option being one the demo reads from the environment.
    expect(optionsFromEnv({ MAGTRACK_MAX_POINTS: "500" }, COMMAND_OPTION_NAMES.demo!, []).options).toEqual({
      "max-points": 500,
    });
    const dir = await mkdtemp(join(tmpdir(), "magtrack-validate-"));
    dirs.push(dir);
    const out = await cli(["demo", "--root", join(dir, "demo")], { env: { MAGTRACK_MAX_POINTS: "0" } });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("--max-points must be a positive integer");
    expect(await exists(join(dir, "demo"))).toBe(false);
  });

  it("MAGTRACK_KERNELS and MAGTRACK_WASM_FMA (read by the kernel loader, not options) raise no warning", () => {
    const env = { MAGTRACK_KERNELS: "ts", MAGTRACK_WASM_FMA: "off", MAGTRACK_DEBUG: "1" };
    const { options, unknown } = optionsFromEnv(
      env,
      COMMAND_OPTION_NAMES.sync!,
      Object.values(COMMAND_OPTION_NAMES).flat(),
    );
    expect(unknown).toEqual(["MAGTRACK_DEBUG"]);
    expect(options).toEqual({});
  });

  it("an unknown MAGTRACK_* variable warns on stderr and does not fail the command", async () => {
    const root = await store();
    const out = await cli(["sync", "--root", root, "--workers", "1", "--json"], {
      env: { MAGTRACK_DEBUG: "1" },
    });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).toMatch(/warning: ignoring environment variable MAGTRACK_DEBUG/);
    // NDJSON stays clean: every stdout line parses.
    for (const line of out.stdout.trim().split("\n")) expect(() => JSON.parse(line)).not.toThrow();
    expect((await readResultLines(root, "run-a")).length).toBe(2);
  });
});

describe("run and layer filters", () => {
  it("--runs takes commas as MAGTRACK_RUNS does", async () => {
    const root = await store();
    const out = await cli(["backfill", "--root", root, "--runs", "run-a,run-b", "--workers", "1"]);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/2 runs, 2 ok/);
    expect((await readResultLines(root, "run-b")).length).toBe(1);
  });

  it("--runs run-z and --layers fc9 say they matched nothing, naming what was there", async () => {
    const root = await store();
    const out = await cli([
      "backfill",
      "--root",
      root,
      "--runs",
      "run-a",
      "run-z",
      "--layers",
      "fc9",
      "--workers",
      "1",
    ]);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).toContain("--runs run-z: no run has this id or name (matched: run-a)");
    expect(out.stderr).toContain(
      "--layers fc9: no such layer in any of the 1 run(s) planned (layers seen: fc1)",
    );
    const json = await cli(["backfill", "--root", root, "--runs", "run-z", "--json", "--workers", "1"]);
    const events = json.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(events).toContainEqual(
      expect.objectContaining({ type: "filter-unmatched", option: "runs", values: ["run-z"] }),
    );
    expect(events.at(-1).type).toBe("summary");
  });

  it("a layer filter that matches is not reported", async () => {
    const root = await store();
    const out = await cli(["backfill", "--root", root, "--layers", "fc1", "--workers", "1"]);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).not.toContain("no such layer");
  });
});
