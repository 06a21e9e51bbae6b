/**
 * kill -9 of a real `magtrack sync --tracker mlflow` process at pseudo-random requests (seeded), against
 * the stateful fake MLflow server: the process dies before the server sees request k, or after the
 * server stored it but before the process read the answer. A normal sync afterwards completes, and
 * the server holds exactly the points of a clean sync on a fresh server: same (key, step, value)
 * multiset, none twice. No credential appears in anything the processes printed.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { FakeMlflowServer } from "../adapters/mlflow/fake-server.js";
import { childStartMs, timeoutFor } from "../helpers/baseline.js";
import { cli } from "../helpers/cli.js";
import { expectNoSecret } from "../helpers/secrets.js";
import { killCliAt, ndjsonEvents, startCli } from "./helpers/child-cli.js";
import { KillProxy } from "./helpers/kill-proxy.js";
import {
  duplicatePoints,
  EXPERIMENT,
  expectSamePoints,
  lockFile,
  metricPoints,
  mlflowEnv,
  runShape,
  startMlflow,
} from "./helpers/mlflow-ops.js";

/** One child CLI start now; these tests start many children, so their budget scales with it. */
const TEST_TIMEOUT = timeoutFor(await childStartMs(), 160);

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

/** x ← (1103515245·x + 12345) mod 2^31 (the golden LCG), as u ∈ [0, 1). */
function lcg(seed: number): () => number {
  let x = seed;
  return () => {
    x = (1103515245 * x + 12345) % 2147483648;
    return x / 2147483648;
  };
}

async function server(): Promise<FakeMlflowServer> {
  const s = await startMlflow();
  cleanups.push(() => s.stop());
  return s;
}

describe("kill -9 during a sync against MLflow", () => {
  it(
    "at random requests (8 seeds, before/after the server stores): the next sync completes, nothing duplicated or lost",
    async () => {
      // Reference: a clean sync on a fresh server, through the counting proxy (total request count).
      const clean = await server();
      const cleanProxy = new KillProxy(clean.url);
      await cleanProxy.start();
      cleanups.push(() => cleanProxy.stop());
      const args = ["sync", "--tracker", "mlflow", "--experiment", EXPERIMENT, "--json"];
      const reference = await startCli([...args, "--lock-file", await lockFile()], mlflowEnv(cleanProxy.url))
        .done;
      expect(reference.code, reference.stderr).toBe(0);
      expectNoSecret(reference.stdout + reference.stderr, "clean sync output");
      const expected = metricPoints(clean);
      const total = cleanProxy.count;
      expect(expected.length).toBeGreaterThan(0);
      expect(duplicatePoints(clean)).toEqual([]);
      const writes = clean.requests.filter(
        (r) => r.method === "POST" && r.path.endsWith("runs/log-batch"),
      ).length;
      console.log(
        `clean sync: ${total} requests (${writes} log-batch), ${expected.length} points, ${reference.ms} ms`,
      );

      // Half the seeds kill at a uniformly random request, half at a random write (log-batch, set-tag,
      // artifact upload): writes are few among the reads, and they are where duplicates would come from.
      const isWrite = (r: { method: string; path: string }) =>
        r.method === "PUT" || (r.method === "POST" && !r.path.endsWith("runs/search"));
      const writeIndexes = cleanProxy.log.flatMap((r, i) => (isWrite(r) ? [i + 1] : []));
      expect(writeIndexes.length).toBeGreaterThan(writes);
      const rand = lcg(20260701);
      const report: string[] = [];
      const chartsMissing: string[] = [];
      for (const seed of SEEDS) {
        const s = await server();
        const proxy = new KillProxy(s.url);
        await proxy.start();
        cleanups.push(() => proxy.stop());
        const at =
          seed <= 4
            ? 1 + Math.floor(rand() * total)
            : writeIndexes[Math.floor(rand() * writeIndexes.length)]!;
        const mode = seed % 2 === 0 ? "after" : "before";
        const lock = await lockFile();
        const run = startCli([...args, "--lock-file", lock], mlflowEnv(proxy.url));
        proxy.plan = { at, mode, kill: () => run.child.kill("SIGKILL") };
        const killed = await run.done;
        expect(killed.signal, `seed ${seed}: killed at request ${at}`).toBe("SIGKILL");
        expectNoSecret(killed.stdout + killed.stderr, `killed child (seed ${seed})`);
        const partial = metricPoints(s);
        // Whatever the dead process left is part of the clean result, never something else.
        expectSamePoints(partial, expected, true);

        // A normal sync (in-process CLI, same lock file: the dead holder's lock is taken over).
        const healed = await cli([...args, "--lock-file", lock], { env: mlflowEnv(s.url) });
        expectNoSecret(healed.stdout + healed.stderr, `healing sync (seed ${seed})`);
        expect(healed.code, healed.stdout + healed.stderr).toBe(0);
        const summary = ndjsonEvents(healed.stdout).at(-1);
        expect(summary).toMatchObject({ type: "summary", failed: 0, runs: 3 });
        expect(duplicatePoints(s)).toEqual([]);
        expectSamePoints(metricPoints(s), expected);
        // Reference and settings tags are written before the metrics: always complete after healing.
        const shape = runShape(s);
        const cleanShape = runShape(clean);
        for (const [id, c] of Object.entries(cleanShape)) {
          const magtrackTags = (t: string[]) => t.filter((x) => x.startsWith("magtrack."));
          expect(magtrackTags(shape[id]!.tags)).toEqual(magtrackTags(c.tags));
          // Charts may be missing (see the known bug below), never different files.
          for (const a of shape[id]!.artifacts) expect(c.artifacts).toContain(a);
          if (shape[id]!.artifacts.length < c.artifacts.length) chartsMissing.push(`seed ${seed} ${id}`);
        }
        report.push(
          `seed ${seed}: kill ${mode} request ${at}/${total} (${proxy.killedAt?.method} ${proxy.killedAt?.path}), ${partial.length} points left, healed`,
        );
      }
      console.log(report.join("\n"));
      console.log(`runs whose charts stayed missing after healing: ${chartsMissing.join(", ") || "none"}`);
    },
    TEST_TIMEOUT,
  );

  // Regression: metrics (what readState treats as "done") used to be written before the charts,
  // curves table and mlflow.loggedArtifacts tag, so a kill between them left charts missing for good.
  // The adapter now writes metrics last.
  it(
    "kill -9 right after the last log-batch was stored: the next sync restores the charts",
    async () => {
      const s = await server();
      const proxy = new KillProxy(s.url);
      await proxy.start();
      cleanups.push(() => proxy.stop());
      const env = mlflowEnv(proxy.url);
      const lock = await lockFile();
      const args = ["sync", "--tracker", "mlflow", "--experiment", EXPERIMENT, "--json", "--runs", "run0"];
      // Count the requests of the first run's sync on a twin server to find its last log-batch.
      const twin = await server();
      const twinProxy = new KillProxy(twin.url);
      await twinProxy.start();
      cleanups.push(() => twinProxy.stop());
      expect(
        (await startCli([...args, "--lock-file", await lockFile()], mlflowEnv(twinProxy.url)).done).code,
      ).toBe(0);
      const lastBatch =
        twinProxy.log.findLastIndex((r) => r.path.endsWith("runs/log-batch") && r.method === "POST") + 1;
      const killed = await killCliAt([...args, "--lock-file", lock], env, proxy, lastBatch, "after");
      expect(killed.signal).toBe("SIGKILL");
      const healed = await cli([...args, "--lock-file", lock], { env: mlflowEnv(s.url) });
      expect(healed.code).toBe(0);
      expectSamePoints(metricPoints(s), metricPoints(twin));
      expect(runShape(s).run0!.artifacts).toEqual(runShape(twin).run0!.artifacts);
    },
    TEST_TIMEOUT,
  );
});
