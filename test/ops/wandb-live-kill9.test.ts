/**
 * kill -9 of a real `magtrack sync --tracker wandb` child while it creates and writes the live
 * companion of a running training run (docs/wandb-live.md), at seeded requests, before the server
 * sees request k or after it processed it. The harness is test/ops/wandb-kill9.test.ts's (KillProxy,
 * the fake's heartbeat watchdog). The simulated training process goes on between the kill and the
 * next sync, then finishes. Afterwards: one companion, each step in it once, the training run's own
 * lines exactly as it wrote them, and the finished run holding magtrack's rows once.
 */
import { afterEach, describe, expect, it } from "vitest";
import { companionIdOf } from "../../adapters/wandb/companion.js";
import { type ExtendedJson, parseObject } from "../../adapters/wandb/extended-json.js";
import { STEP_METRIC } from "../../adapters/wandb/run-config.js";
import { type FakeRun, FakeWandbServer } from "../adapters/wandb/fake-server.js";
import { SimulatedTrainer } from "../adapters/wandb/live-trainer.js";
import { childStartMs, timeoutFor } from "../helpers/baseline.js";
import { cli } from "../helpers/cli.js";
import { expectCloseResults } from "../helpers/close-results.js";
import { expectNoSecret, OPS_WANDB_KEY } from "../helpers/secrets.js";
import { killCliAt, ndjsonEvents, startCli } from "./helpers/child-cli.js";
import { KillProxy } from "./helpers/kill-proxy.js";
import { lockFile } from "./helpers/mlflow-ops.js";

/** 13 child starts and 24 in-process syncs: the same budget as wandb-kill9.test.ts (17 children, 16 syncs). */
const TEST_TIMEOUT = timeoutFor(await childStartMs(), 320);

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const SEEDS = Array.from({ length: 12 }, (_, i) => i + 1);
const RUN = "trainlive";
const COMPANION = companionIdOf(RUN);
const ARGS = ["sync", "--tracker", "wandb", "--entity", "team", "--project", "proj", "--json"];
const env = (url: string) => ({ WANDB_API_KEY: OPS_WANDB_KEY, WANDB_BASE_URL: url });

/** x ← (1103515245·x + 12345) mod 2^31 (the same LCG as wandb-kill9.test.ts), as u ∈ [0, 1). */
function lcg(seed: number): () => number {
  let x = seed;
  return () => {
    x = (1103515245 * x + 12345) % 2147483648;
    return x / 2147483648;
  };
}

interface World {
  fake: FakeWandbServer;
  run: FakeRun;
  trainer: SimulatedTrainer;
  proxy: KillProxy;
  direct: string;
  /** Requests the fake logged before the sync (the trainer's own posts). */
  logStart: number;
}

/** A running training run that has logged steps 0–2, behind a KillProxy (the trainer posts directly). */
async function world(): Promise<World> {
  const fake = await new FakeWandbServer(OPS_WANDB_KEY).start();
  cleanups.push(() => fake.stop());
  const direct = fake.baseUrl;
  const run = fake.addRun({ name: RUN, displayName: "calm-sea-3", group: "g", state: "running" });
  const trainer = new SimulatedTrainer(fake, run, () => direct);
  for (let i = 0; i < 3; i++) await trainer.logStep();
  const proxy = new KillProxy(direct);
  await proxy.start();
  cleanups.push(() => proxy.stop());
  fake.baseUrl = proxy.url; // signed URLs go through the proxy too
  return { fake, run, trainer, proxy, direct, logStart: fake.log.length };
}

type Json = Record<string, ExtendedJson>;
const rows = (r: FakeRun): Json[] => r.history.map((l) => parseObject(l, "history line"));
const ours = (row: Json) =>
  Object.fromEntries(Object.entries(row).filter(([k]) => k.startsWith("magnitude/")));

/** One companion, each step once in order, `_step` increasing, no marker, finished; the trainer's lines as written. */
function expectHealed(w: World, steps: readonly number[], where: string): Json[] {
  expect(
    w.fake.runs.filter((r) => r.name.endsWith("-magtrack")).map((r) => r.name),
    `${where}: companions`,
  ).toEqual([COMPANION]);
  const c = w.fake.run(COMPANION);
  const cr = rows(c);
  expect(
    cr.map((r) => r[STEP_METRIC]),
    `${where}: companion steps`,
  ).toEqual(steps);
  for (let i = 1; i < cr.length; i++)
    expect(cr[i]!._step as number).toBeGreaterThan(cr[i - 1]!._step as number);
  const mt = (parseObject(c.config, "config").magtrack as { value: Json }).value;
  expect(mt.pending, `${where}: pending marker`).toBeUndefined();
  expect(mt.companion_of).toBe(RUN);
  expect(c.state, `${where}: companion state`).toBe("finished");
  expect(w.run.history.slice(0, w.trainer.lines.length), `${where}: training lines`).toEqual(w.trainer.lines);
  return cr.map(ours);
}

describe("kill -9 during the live companion's creation and writes (W&B)", () => {
  it(
    "12 seeds at the creation, random writes and the filestream posts, before/after the server processes them: one companion, no duplicate rows",
    async () => {
      // Reference: a clean sync through the counting proxy, then the training continues and ends.
      const clean = await world();
      const reference = await startCli([...ARGS, "--lock-file", await lockFile()], env(clean.proxy.url)).done;
      expectNoSecret(reference.stdout + reference.stderr, "clean sync output");
      expect(reference.code, reference.stderr).toBe(0);
      expect(ndjsonEvents(reference.stdout).some((e) => e.type === "run-live")).toBe(true);
      const total = clean.proxy.count;
      const log = clean.fake.log.slice(clean.logStart);
      expect(log.map((r) => r.path)).toEqual(clean.proxy.log.map((r) => r.path));
      const isWrite = (r: (typeof log)[number]) =>
        r.method === "PUT" || r.path.endsWith("/file_stream") || /^\s*mutation\b/.test(r.query ?? "");
      const allWrites = log.flatMap((r, i) => (isWrite(r) ? [i + 1] : []));
      // The project's scale run (--scale experiment, adapters/wandb/scale-run.ts) is written first;
      // the companion's writes follow. Creation = its first two writes: upsertBucket by name, then
      // the filestream's `complete`.
      const writes = allWrites.slice(allWrites.findIndex((i) => log[i - 1]!.variables?.name === COMPANION));
      expect(log[writes[0]! - 1]!.variables?.name).toBe(COMPANION);
      expect(log[writes[1]! - 1]!.body).toBe('{"complete":true,"exitcode":0}');
      // The write session's filestream posts (after the creation's `complete`).
      const sessionPosts = writes.slice(2).filter((i) => log[i - 1]!.path.endsWith("/file_stream"));
      expect(sessionPosts.length).toBeGreaterThanOrEqual(2);
      const cleanRows = expectHealed(clean, [0, 1, 2], "clean");
      console.log(`clean live sync: ${total} requests (writes at ${allWrites.join(", ")})`);

      const rand = lcg(20261204);
      const report: string[] = [];
      for (const seed of SEEDS) {
        const w = await world();
        // Seeds 1–4: the creation's two writes; 5–8: a random write; 9–12: the session's filestream
        // posts in turn (history + summary, then complete) — each before and after the server has it.
        const at =
          seed <= 4
            ? writes[Math.floor((seed - 1) / 2)]!
            : seed <= 8
              ? allWrites[Math.floor(rand() * allWrites.length)]!
              : sessionPosts[Math.floor((seed - 9) / 2) % sessionPosts.length]!;
        const mode = seed % 2 === 0 ? "after" : "before";
        const lock = await lockFile();
        const killed = await killCliAt([...ARGS, "--lock-file", lock], env(w.proxy.url), w.proxy, at, mode);
        expect(killed.signal, `seed ${seed}: killed at request ${at}`).toBe("SIGKILL");
        expectNoSecret(killed.stdout + killed.stderr, `killed child (seed ${seed})`);
        expect(w.run.history).toEqual(w.trainer.lines);
        const left = w.fake.runs.find((r) => r.name === COMPANION);
        const leftText = left ? `companion ${left.state}, ${left.history.length} rows` : "no companion";

        // The dead session stops heart-beating (W&B marks it crashed); the trainer goes on.
        w.fake.expireHeartbeats();
        await w.trainer.logStep();
        w.fake.baseUrl = w.direct;
        const healed = await cli([...ARGS, "--lock-file", lock], { env: env(w.direct) });
        expect(healed.code, healed.stdout + healed.stderr).toBe(0);
        expect(ndjsonEvents(healed.stdout).at(-1)).toMatchObject({ type: "summary", failed: 0 });
        const healedRows = expectHealed(w, [0, 1, 2, 3], `seed ${seed}`);
        // within 1e-9 relative: the healing sync preconditions from other steps (test/helpers/close-results.ts)
        expectCloseResults(
          healedRows.slice(0, 3),
          cleanRows,
          1e-9,
          `seed ${seed}: values as in a clean sync`,
        );

        // The training ends: its results land in it once, the companion is superseded, rows unchanged.
        await w.trainer.finish();
        const final = await cli([...ARGS, "--lock-file", lock], { env: env(w.direct) });
        expect(final.code, final.stdout + final.stderr).toBe(0);
        const trainingRows = rows(w.run).filter((r) => STEP_METRIC in r);
        expect(trainingRows.map((r) => r[STEP_METRIC])).toEqual([0, 1, 2, 3]);
        expectCloseResults(
          trainingRows.map(ours),
          healedRows,
          1e-9,
          `seed ${seed}: results in the training run`,
        );
        expect(expectHealed(w, [0, 1, 2, 3], `seed ${seed} after finish`)).toEqual(healedRows);
        const mt = (parseObject(w.fake.run(COMPANION).config, "config").magtrack as { value: Json }).value;
        expect(mt.companion).toMatchObject({ state: "superseded" });
        expect(w.fake.historyOverwrites, `seed ${seed}: overwritten lines`).toBe(0);
        expect(w.fake.signedWithAuth).toBe(0);
        const k = w.proxy.killedAt;
        report.push(
          `seed ${seed}: kill ${mode} request ${at}/${total} (${k?.method} ${k?.path}), left ${leftText}, healed`,
        );
      }
      console.log(report.join("\n"));
    },
    TEST_TIMEOUT,
  );
});
