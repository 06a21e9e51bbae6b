/** Issue 15 acceptance (local): a layer that collapses mid-training raises one alert; re-sync none. */
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.js";
import { makeStore, writeStep } from "../helpers/store.js";

const roots: string[] = [];
afterEach(async () => {
  for (const r of roots.splice(0)) await rm(r, { recursive: true, force: true });
});

const alertsOf = (stdout: string) =>
  stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l))
    .filter((e) => e.type === "alert");

describe("sync --alert", () => {
  it("the collapse rule fires once for the collapsed run and layer, never for healthy ones or on re-sync", async () => {
    const root = await makeStore({
      runs: { sick: { layers: { fc1: [0, 1] } }, healthy: { layers: { fc1: [0, 1, 2, 3] } } },
    });
    roots.push(root);
    // from step 2 on every probe row of sick/fc1 is the same point (a dead layer): n_distinct = 1
    for (const step of [2, 3])
      await writeStep(root, "sick", "fc1", step, new Float64Array(40 * 4).fill(0.5), 40, 4);
    const rule = "magnitude/*/n_distinct < 2";
    const first = await cli(["sync", "--root", root, "--json", "--workers", "1", "--alert", rule]);
    expect(first.code).toBe(0);
    const fired = alertsOf(first.stdout);
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({
      run: "sick",
      layer: "fc1",
      key: "magnitude/fc1/n_distinct",
      step: 2,
      value: 1,
      rule,
    });
    const stored = JSON.parse(await readFile(join(root, "sick", "magnitude", "alerts.json"), "utf8"));
    expect(stored.alerts.map((a: { id: string }) => a.id)).toEqual([fired[0].id]);

    const again = await cli(["sync", "--root", root, "--json", "--workers", "1", "--alert", rule]);
    expect(again.code).toBe(0);
    expect(alertsOf(again.stdout)).toEqual([]);
  });

  it("a running run (writes deferred) is checked and alerted once; once finished its results are written and the alert is not repeated", async () => {
    const root = await makeStore({ runs: { live: { layers: { fc1: [0, 1] }, status: "running" } } });
    roots.push(root);
    for (const step of [2, 3])
      await writeStep(root, "live", "fc1", step, new Float64Array(40 * 4).fill(0.5), 40, 4);
    const rule = "magnitude/*/n_distinct < 2";
    const args = ["sync", "--root", root, "--json", "--workers", "1", "--alert", rule];
    const running = await cli(args);
    expect(running.code).toBe(0);
    const events = running.stdout
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l));
    expect(events.map((e) => e.type)).toContain("run-deferred");
    const fired = alertsOf(running.stdout);
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ run: "live", key: "magnitude/fc1/n_distinct", step: 2, value: 1 });
    // the alert is recorded, the results are not written while the run is running
    const stored = JSON.parse(await readFile(join(root, "live", "magnitude", "alerts.json"), "utf8"));
    expect(stored.alerts.map((a: { id: string }) => a.id)).toEqual([fired[0].id]);
    await expect(readFile(join(root, "live", "magnitude", "metrics.jsonl"), "utf8")).rejects.toThrow();
    // a second sync while it is still running raises nothing
    expect(alertsOf((await cli(args)).stdout)).toEqual([]);

    await writeFile(join(root, "live", "run.json"), JSON.stringify({ name: "live", status: "finished" }));
    const finished = await cli(args);
    expect(finished.code).toBe(0);
    expect(alertsOf(finished.stdout)).toEqual([]);
    const lines = (await readFile(join(root, "live", "magnitude", "metrics.jsonl"), "utf8"))
      .trim()
      .split("\n");
    expect(lines).toHaveLength(4);
  });

  it("a bad rule is a usage error (exit 2) naming it, before any work", async () => {
    const root = await makeStore({ runs: { a: { layers: { fc1: [0] } } } });
    roots.push(root);
    const res = await cli(["sync", "--root", root, "--alert", "magnitude/*/dim >> 3"]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('--alert "magnitude/*/dim >> 3"');
    await expect(readFile(join(root, "a", "magnitude", "metrics.jsonl"), "utf8")).rejects.toThrow();
  });
});
