/** The pool's worker threads get the parent's node flags without loaders (src/sync/worker-exec-argv.ts). */
import { describe, expect, it } from "vitest";
import { workerExecArgv } from "../../src/sync/worker-exec-argv.js";

describe("workerExecArgv", () => {
  it("drops tsx's preload and loader (process.execArgv of `npx tsx script.ts`, node 20, tsx 4)", () => {
    const underTsx = [
      "--require",
      "/work/main/node_modules/tsx/dist/preflight.cjs",
      "--import",
      "file:///work/main/node_modules/tsx/dist/loader.mjs",
    ];
    expect(workerExecArgv(underTsx)).toEqual([]);
  });

  it("drops every loader form (separate value, =value, -r) and keeps the other flags in order", () => {
    expect(
      workerExecArgv([
        "--max-old-space-size=4096",
        "-r",
        "ts-node/register",
        "--enable-source-maps",
        "--import=tsx",
        "--experimental-loader",
        "./hooks.mjs",
        "--loader=esm-loader",
        "--stack-size=2000",
      ]),
    ).toEqual(["--max-old-space-size=4096", "--enable-source-maps", "--stack-size=2000"]);
  });

  it("keeps a plain parent's flags as they are", () => {
    expect(workerExecArgv([])).toEqual([]);
    expect(workerExecArgv(["--no-warnings"])).toEqual(["--no-warnings"]);
  });
});
