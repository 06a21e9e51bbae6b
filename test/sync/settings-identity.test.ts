/**
 * Issue 11: settings are part of a layer's identity. A store synced under one set of settings is
 * refused under another (naming stored and requested values) and nothing is written.
 */
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { settingsChanges } from "../../src/sync/settings-identity.js";
import { cli } from "../helpers/cli.js";
import { makeStore, stepCloud, writeStep } from "../helpers/store.js";

const roots: string[] = [];
afterEach(async () => {
  for (const r of roots.splice(0)) await rm(r, { recursive: true, force: true });
});

describe("changed settings on a synced store", () => {
  it("--metric cosine on a euclidean store is refused, naming both values; nothing is written", async () => {
    const root = await makeStore({ runs: { a: { layers: { fc1: [0, 1] } } } });
    roots.push(root);
    expect((await cli(["sync", "--root", root])).code).toBe(0);
    await writeStep(root, "a", "fc1", 2, stepCloud(3, 40, 4, 2), 40, 4);
    const before = await readFile(join(root, "a", "magnitude", "metrics.jsonl"), "utf8");
    const res = await cli(["sync", "--root", root, "--metric", "cosine", "--json"]);
    expect(res.code).toBe(1);
    const failed = res.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l))
      .find((e) => e.type === "run-failed");
    expect(failed).toMatchObject({ run: "a", code: "SETTINGS_CHANGED" });
    expect(failed.message).toContain("--metric: stored euclidean, requested cosine");
    expect(await readFile(join(root, "a", "magnitude", "metrics.jsonl"), "utf8")).toBe(before);
  });

  it("--t-max 5 on a synced store is refused, not 'up to date'", async () => {
    const root = await makeStore({ runs: { a: { layers: { fc1: [0, 1] } } } });
    roots.push(root);
    expect((await cli(["sync", "--root", root])).code).toBe(0);
    const res = await cli(["sync", "--root", root, "--t-max", "5"]);
    expect(res.code).toBe(1);
    expect(res.stdout + res.stderr).not.toMatch(/up to date/);
    expect(res.stdout + res.stderr).toContain("--t-max: stored (unset), requested 5");
  });

  it("the same settings sync as before; keys an older store lacks are not compared", () => {
    const stored = { "magtrack.metric": "euclidean", "magtrack.q": "0.95" };
    expect(settingsChanges(stored, { ...stored, "magtrack.mode": "fast" })).toEqual([]);
    expect(settingsChanges(stored, { ...stored, "magtrack.q": "0.9" })).toEqual([
      { key: "magtrack.q", stored: "0.95", requested: "0.9" },
    ]);
    expect(settingsChanges(undefined, stored)).toEqual([]);
  });
});
