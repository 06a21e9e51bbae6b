/**
 * Issue 11: the progress bar has no literal `{run}`, a total known up front (the plan of every run),
 * an ETA, and is never drawn over log lines; it is drawn only on a terminal. Ctrl-C (SIGINT) stops
 * cleanly and exits 130. Time comes from an injected clock, never from this machine's speed.
 */
import { rm } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/app.js";
import { createProgressLine, formatEta } from "../../src/cli/progress-line.js";
import { makeStore } from "../helpers/store.js";
import { ndjsonEvents, startCli } from "../ops/helpers/child-cli.js";

const ERASE = "\r\u001b[2K";
const roots: string[] = [];
afterEach(async () => {
  for (const r of roots.splice(0)) await rm(r, { recursive: true, force: true });
});

describe("the progress line", () => {
  it("shows the total from the start, an ETA from the mean step time, and the run (escaped)", () => {
    const frames: string[] = [];
    let t = 0;
    const bar = createProgressLine((raw) => frames.push(raw), { columns: 100, now: () => t });
    bar.setTotal(4);
    expect(frames.at(-1)).toBe(`${ERASE}magnitude ${"░".repeat(24)} 0/4 steps | ETA --`);
    t = 2000;
    bar.step("run\u001b[2Ja");
    // 2 s for 1 step, 3 left: ETA 6 s
    expect(frames.at(-1)).toContain("1/4 steps | ETA 6s | run\\u001b[2Ja");
    expect(frames.join("")).not.toContain("{run}");
  });

  it("erases itself before a log line and is drawn again after it", () => {
    const out: string[] = [];
    const bar = createProgressLine((raw) => out.push(`BAR:${raw}`), { now: () => 0 });
    bar.setTotal(2);
    bar.log(() => out.push("LOG:✓ run a\n"));
    expect(out).toEqual([
      `BAR:${ERASE}magnitude ${"░".repeat(24)} 0/2 steps | ETA --`,
      `BAR:${ERASE}`,
      "LOG:✓ run a\n",
      `BAR:${ERASE}magnitude ${"░".repeat(24)} 0/2 steps | ETA --`,
    ]);
    bar.stop();
    expect(out.at(-1)).toBe(`BAR:${ERASE}`);
  });

  it("never draws wider than the terminal, and formats long ETAs", () => {
    const frames: string[] = [];
    const bar = createProgressLine((raw) => frames.push(raw), { columns: 40, now: () => 0 });
    bar.setTotal(1);
    bar.step("a-very-long-run-name-".repeat(5));
    expect([...frames.at(-1)!.slice(ERASE.length)].length).toBeLessThanOrEqual(39);
    expect(formatEta(59_400)).toBe("59s");
    expect(formatEta(65_000)).toBe("1m05s");
    expect(formatEta(3 * 3600_000 + 7 * 60_000)).toBe("3h07m");
  });
});

describe("sync on a terminal", () => {
  it("the first frame already has the total of every run's plan; log lines are never drawn over", async () => {
    const root = await makeStore({
      runs: { a: { layers: { fc1: [0, 1] } }, b: { layers: { fc1: [0, 1, 2] } } },
    });
    roots.push(root);
    const stream: string[] = [];
    const code = await runCli(["sync", "--root", root, "--workers", "1"], {
      cwd: process.cwd(),
      env: {},
      stdout: () => {},
      stderr: (t) => stream.push(`LOG:${t}`),
      isTTY: true,
      terminal: { write: (t) => stream.push(`BAR:${t}`), columns: 100 },
      signal: new AbortController().signal,
    });
    expect(code).toBe(0);
    const frames = stream.filter((s) => s.startsWith("BAR:") && s.length > 4 + ERASE.length);
    // 5 steps in 2 runs: known before the first one is computed (it used to start at run a's 2).
    expect(frames[0]).toContain(" 0/5 steps");
    expect(frames.at(-1)).toContain(" 5/5 steps");
    expect(frames.every((f) => /\/5 steps \| ETA/.test(f))).toBe(true);
    expect(stream.join("")).not.toContain("{run}");
    // Every log line comes right after the bar was erased.
    stream.forEach((s, i) => {
      if (s.startsWith("LOG:")) expect(stream[i - 1]).toBe(`BAR:${ERASE}`);
    });
    expect(stream.filter((s) => s.startsWith("LOG:✓ run"))).toHaveLength(2);
  });

  it("no bar when stderr is not a terminal, or with --quiet", async () => {
    const root = await makeStore({ runs: { a: { layers: { fc1: [0] } } } });
    roots.push(root);
    for (const [isTTY, extra] of [
      [false, []],
      [true, ["--quiet"]],
    ] as const) {
      const raw: string[] = [];
      const code = await runCli(["sync", "--root", root, "--workers", "1", "--dry-run", ...extra], {
        cwd: process.cwd(),
        env: {},
        stdout: () => {},
        stderr: () => {},
        isTTY,
        terminal: { write: (t) => raw.push(t), columns: 80 },
        signal: new AbortController().signal,
      });
      expect(code).toBe(0);
      expect(raw).toEqual([]);
    }
  });
});

describe("Ctrl-C", () => {
  it("SIGINT stops at the next file boundary, writes what was computed, and exits 130", async () => {
    // 40 steps: far more than are computed between the first step-done and the signal's arrival.
    const root = await makeStore({
      runs: { a: { layers: { fc1: Array.from({ length: 40 }, (_, i) => i) } } },
      n: 120,
      d: 6,
    });
    roots.push(root);
    const run = startCli(["sync", "--root", root, "--json", "--workers", "1", "--no-lock"], {});
    let sent = false;
    run.child.stdout!.on("data", (t: string) => {
      if (!sent && t.includes('"step-done"')) {
        sent = true;
        run.child.kill("SIGINT");
      }
    });
    const result = await run.done;
    expect(sent).toBe(true);
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toContain("SIGINT received");
    const summary = ndjsonEvents(result.stdout).at(-1)!;
    expect(summary).toMatchObject({ type: "summary", stoppedEarly: "SIGINT received" });
    expect(Number(summary.stepsWritten)).toBeGreaterThan(0);
    expect(Number(summary.stepsWritten)).toBeLessThan(40);
  });
});
