/** Option precedence (flags > MAGTRACK_* env > --config file > defaults) and config-file errors. */
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.js";
import { makeStore, readResultLines } from "../helpers/store.js";

const roots: string[] = [];
afterEach(async () => {
  for (const r of roots.splice(0)) await rm(r, { recursive: true, force: true });
});

async function gridSize(args: string[], env: Record<string, string>): Promise<number> {
  const root = await makeStore({ runs: { a: { layers: { fc: [0] } } } });
  roots.push(root);
  const config = join(root, "magtrack.json");
  await writeFile(config, JSON.stringify({ root, "n-scales": 5 }));
  const out = await cli(["sync", "--config", config, ...args], { env });
  expect(out.code, out.stderr).toBe(0);
  return (await readResultLines(root, "a"))[0]!.curve!.t.length;
}

describe("configuration", () => {
  it("takes options from the config file, lets MAGTRACK_* env override it, and flags override both", async () => {
    expect(await gridSize([], {})).toBe(5);
    expect(await gridSize([], { MAGTRACK_N_SCALES: "12" })).toBe(12);
    expect(await gridSize(["--n-scales", "7"], { MAGTRACK_N_SCALES: "12" })).toBe(7);
  });

  it("a missing or malformed config file is a config error (exit 2) naming the file", async () => {
    const root = await makeStore({ runs: {} });
    roots.push(root);
    const missing = await cli(["sync", "--config", join(root, "nope.json")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("nope.json");
    await writeFile(join(root, "bad.json"), "{ not json");
    const bad = await cli(["sync", "--config", join(root, "bad.json")]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.json: not valid JSON/);
  });
});
