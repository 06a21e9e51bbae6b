/**
 * Budgets derived from this machine's speed right now, not from wall-clock constants: the time a
 * child `magtrack --help` takes (node start and every import of the built bin) is measured once per test file, and
 * timeouts / elapsed-time bounds are multiples of it. On a loaded 2-core machine the child start
 * slows down like the rest of the test, so the budget grows with it.
 */
import { spawn } from "node:child_process";
import { builtCli } from "./built-cli.js";

/** Milliseconds one child CLI start takes now (the median of three). */
export async function childStartMs(): Promise<number> {
  const once = () =>
    new Promise<number>((resolve, reject) => {
      const started = performance.now();
      const child = spawn(process.execPath, [...builtCli(), "--help"], {
        stdio: "ignore",
        env: { PATH: process.env.PATH ?? "" },
      });
      child.on("error", reject);
      child.on("close", () => resolve(performance.now() - started));
    });
  const runs = [await once(), await once(), await once()].sort((a, b) => a - b);
  return runs[1]!;
}

/**
 * A test timeout: `starts` child-start times, and never below the suite default of 60 s. Since the
 * children run the built bin (built-cli.ts, 2026-12-07) a start takes half as long as under tsx, while
 * the tests' own work did not halve: the files' multiples were doubled then.
 */
export function timeoutFor(baselineMs: number, starts: number): number {
  return Math.max(60_000, Math.ceil(baselineMs * starts));
}
