/**
 * --help is wrapped to the terminal (at most 110 columns), although commands that run lay their help
 * out unwrapped (src/cli/app.ts: yargs renders it after every command, shown or not).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { cli } from "../helpers/cli.js";

/** What yargs prints for `args` (with console.log, not through the CLI context). */
async function printedBy(args: string[]): Promise<string[]> {
  const printed: string[] = [];
  vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => {
    printed.push(a.join(" "));
  });
  expect((await cli(args)).code).toBe(0);
  return printed.join("\n").split("\n");
}

describe("--help", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it.each([["sync"], ["compute"], ["report"]])(
    "%s --help: every line within 110 columns",
    async (command) => {
      const lines = await printedBy([command, "--help"]);
      expect(lines.length).toBeGreaterThan(10);
      const longest = Math.max(...lines.map((l) => l.length));
      expect(longest).toBeLessThanOrEqual(110);
      // some option's description plus its type was too long for one line, so wrapping happened
      expect(lines.some((l) => /^\s{20,}\S/.test(l) && !l.trimStart().startsWith("-"))).toBe(true);
    },
  );
});
