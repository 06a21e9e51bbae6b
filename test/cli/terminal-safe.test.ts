/**
 * Issue 11: control characters from layer names, run names and server messages never reach the
 * terminal raw (a layer folder named `a\e[2Jb` cleared the screen). They are printed as `\uXXXX`,
 * which in NDJSON is a JSON escape of the same character, so events still decode to the real name.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { terminalSafe } from "../../src/cli/terminal-safe.js";
import { FakeMlflowServer } from "../adapters/mlflow/fake-server.js";
import { cli } from "../helpers/cli.js";
import { makeStore } from "../helpers/store.js";

// C0 except \t and \n, DEL, C1, bidi controls, line/paragraph separators.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe("terminalSafe", () => {
  it("writes C0, DEL, C1 and bidi controls as \\uXXXX and keeps newline, tab and other text", () => {
    expect(terminalSafe("a\u001b[2Jb")).toBe("a\\u001b[2Jb");
    expect(terminalSafe("x\u009b2Jy\u007f\r")).toBe("x\\u009b2Jy\\u007f\\u000d");
    expect(terminalSafe("evil\u202etxt.npy")).toBe("evil\\u202etxt.npy");
    expect(terminalSafe("line 1\n\tline 2 — ünïcode ✓")).toBe("line 1\n\tline 2 — ünïcode ✓");
  });

  it("keeps an NDJSON line valid JSON that decodes to the original text", () => {
    const name = "a\u001b[2Jb\u009b\u202e";
    const line = terminalSafe(JSON.stringify({ layer: name }));
    expect(line).not.toMatch(RAW_CONTROL);
    expect(JSON.parse(line).layer).toBe(name);
  });
});

describe("what the CLI prints", () => {
  it("a layer folder a\\e[2Jb and a run named with a C1 CSI: no raw control character on stdout or stderr", async () => {
    const run = "run\u009b2J";
    const layer = "a\u001b[2Jb";
    const root = await makeStore({ runs: { [run]: { layers: { [layer]: [0] } } } });
    cleanups.push(() => rm(root, { recursive: true, force: true }));
    // A broken file in the same layer, so a problem line names the layer and the path.
    await mkdir(join(root, run, "activations", layer), { recursive: true });
    await writeFile(join(root, run, "activations", layer, "step_1.npy"), "not an npy file");

    const human = await cli(["sync", "--root", root, "-v", "--workers", "1"]);
    expect(human.code).toBe(1);
    expect(human.stderr).toContain("a\\u001b[2Jb");
    expect(human.stderr).toContain("run\\u009b2J");
    expect(human.stdout + human.stderr).not.toMatch(RAW_CONTROL);

    // --retry-failed: the broken file is a known failure after the first sync and would be set aside.
    const json = await cli(["sync", "--root", root, "--json", "--workers", "1", "--retry-failed"]);
    expect(json.stdout).not.toMatch(RAW_CONTROL);
    const failed = json.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l))
      .find((e) => e.type === "file-failed");
    expect(failed).toMatchObject({ run, layer });
  });

  it("a server message with escape sequences is printed escaped", async () => {
    const server = new FakeMlflowServer();
    server.seed([]);
    const url = await server.start();
    cleanups.push(() => server.stop());
    const env = { MLFLOW_TRACKING_URI: url };
    for (const extra of [[], ["--json"]]) {
      server.faults.push({
        method: "GET",
        path: "/api/2.0/mlflow/experiments/get-by-name",
        status: 403,
        contentType: "text/plain",
        body: "Permission denied\u001b[2J\u001b]0;owned\u0007\u202e",
        when: "before",
      });
      const out = await cli(["sync", "--tracker", "mlflow", "--experiment", "e", "--no-lock", ...extra], {
        env,
      });
      expect(out.code).toBe(2);
      expect(out.stderr).toContain("Permission denied\\u001b[2J");
      expect(out.stdout + out.stderr).not.toMatch(RAW_CONTROL);
    }
  });
});
