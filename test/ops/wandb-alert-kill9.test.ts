/**
 * Issue 15: kill -9 of a real `magtrack sync --tracker wandb --alert …` between firing and recording
 * (docs/alerts.md "Duplicates: the bound per tracker"). On W&B the alert is sent first
 * (notifyScriptableRunAlert), then recorded in the run's config (upsertBucket): the child is killed at
 * each of those requests, before the server sees it or after the server processed it. The next plain
 * sync (the killed one had already closed the run's write session: magtrack.value.alerts_due is what
 * keeps the run from being reported up to date) must leave exactly one
 * record, and the W&B alerts sent stay within the documented bound: 1 when the kill came before
 * the server had the mutation or after it had the record, 2 (one repeat) when it came in between.
 * A further sync sends nothing. Default: the four kill points; MAGTRACK_SOAK=1 adds every request
 * from the mutation to the record, both modes.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type ExtendedJson, isJsonObject, parseObject } from "../../adapters/wandb/extended-json.js";
import { encodeNpy } from "../../src/io/npy-write.js";
import { type FakeRun, FakeWandbServer } from "../adapters/wandb/fake-server.js";
import { childStartMs, timeoutFor } from "../helpers/baseline.js";
import { cli } from "../helpers/cli.js";
import { expectNoSecret, OPS_WANDB_KEY } from "../helpers/secrets.js";
import { stepCloud } from "../helpers/store.js";
import { killCliAt, ndjsonEvents, startCli } from "./helpers/child-cli.js";
import { type KillMode, KillProxy } from "./helpers/kill-proxy.js";
import { lockFile } from "./helpers/mlflow-ops.js";

const TEST_TIMEOUT = timeoutFor(await childStartMs(), 120);
const SOAK = process.env.MAGTRACK_SOAK === "1";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const RULE = "magnitude/fc1/n_distinct >= 2"; // holds at step 0 (20 distinct rows)
const ARGS = [
  "sync",
  "--tracker",
  "wandb",
  "--entity",
  "team",
  "--project",
  "proj",
  "--json",
  "--workers",
  "1",
];
const env = (url: string, extra: Record<string, string> = {}) => ({
  WANDB_API_KEY: OPS_WANDB_KEY,
  WANDB_BASE_URL: url,
  MAGTRACK_ALERT: RULE,
  ...extra,
});

async function world(): Promise<{ fake: FakeWandbServer; run: FakeRun; proxy: KillProxy; direct: string }> {
  const fake = await new FakeWandbServer(OPS_WANDB_KEY).start();
  cleanups.push(() => fake.stop());
  const files = Object.fromEntries(
    [0, 1].map((s) => [`fc1/step_${s}.npy`, encodeNpy(stepCloud(5, 20, 3, s), [20, 3])]),
  );
  const run = fake.addRun({
    name: "trained",
    artifacts: [{ type: "activations", sequence: "trained-acts", files }],
  });
  const direct = fake.baseUrl;
  const proxy = new KillProxy(direct);
  await proxy.start();
  cleanups.push(() => proxy.stop());
  fake.baseUrl = proxy.url; // signed URLs point at the proxy too
  return { fake, run, proxy, direct };
}

function recordedIds(run: FakeRun): string[] {
  const entry = parseObject(run.config, "config").magtrack;
  const value = isJsonObject(entry) && isJsonObject(entry.value) ? entry.value : {};
  return isJsonObject(value.alerts) ? Object.keys(value.alerts as Record<string, ExtendedJson>) : [];
}

describe("kill -9 between sending a W&B alert and recording it", () => {
  it(
    "the next sync records it once; W&B alerts sent stay within the bound (1, or 2 when cut between the mutation and the record)",
    async () => {
      const clean = await world();
      const reference = await startCli([...ARGS, "--lock-file", await lockFile()], env(clean.proxy.url)).done;
      expect(reference.code, reference.stderr).toBe(0);
      expectNoSecret(reference.stdout + reference.stderr, "clean sync output");
      expect(clean.fake.alerts).toHaveLength(1);
      // request numbers (1-based, the proxy's count) of the mutation and of the record after it
      const ops = clean.fake.log.map((r) => r.operationName);
      const send = ops.indexOf("NotifyScriptableRunAlert") + 1;
      const record = ops.findIndex((o, i) => i >= send && o === "UpsertBucket") + 1;
      expect(send).toBeGreaterThan(0);
      expect(record).toBeGreaterThan(send);
      expect(clean.fake.log.map((r) => r.path)).toEqual(clean.proxy.log.map((r) => r.path));

      const points: { at: number; mode: KillMode; expected: number }[] = SOAK
        ? Array.from({ length: record - send + 1 }, (_, i) => send + i).flatMap((at) =>
            (["before", "after"] as const).map((mode) => ({
              at,
              mode,
              expected: (at === send && mode === "before") || (at === record && mode === "after") ? 1 : 2,
            })),
          )
        : [
            { at: send, mode: "before", expected: 1 }, // W&B never saw it: sent once, by the next sync
            { at: send, mode: "after", expected: 2 }, // W&B has it, no record: the documented repeat
            { at: record, mode: "before", expected: 2 }, // same, cut at the record itself
            { at: record, mode: "after", expected: 1 }, // recorded: never again
          ];
      const report: string[] = [];
      for (const p of points) {
        const w = await world();
        const lock = await lockFile();
        const killed = await killCliAt(
          [...ARGS, "--lock-file", lock],
          env(w.proxy.url),
          w.proxy,
          p.at,
          p.mode,
        );
        expect(killed.signal).toBe("SIGKILL");
        expectNoSecret(killed.stdout + killed.stderr, "killed child");
        const sentBeforeHeal = w.fake.alerts.length;
        w.fake.expireHeartbeats();
        w.fake.baseUrl = w.direct;
        // no full check: the alerts due, stored with the results, keep the run from looking up to date
        const healEnv = env(w.direct);
        const healed = await cli([...ARGS, "--lock-file", lock], { env: healEnv });
        expect(healed.code, healed.stdout + healed.stderr).toBe(0);
        expect(ndjsonEvents(healed.stdout).at(-1)).toMatchObject({ type: "summary", failed: 0 });
        const where = `kill ${p.mode} request ${p.at} (mutation ${send}, record ${record})`;
        expect(recordedIds(w.run), where).toHaveLength(1);
        expect(w.fake.alerts.length, where).toBe(p.expected);
        // a repeat is the same alert: same title (W&B's per-title wait applies to it) and text
        expect(new Set(w.fake.alerts.map((a) => `${a.title}\n${a.text}`)).size, where).toBe(1);
        const again = await cli([...ARGS, "--lock-file", lock], { env: healEnv });
        expect(again.code).toBe(0);
        expect(w.fake.alerts.length, `${where}: a further sync`).toBe(p.expected);
        report.push(`${where}: sent ${sentBeforeHeal} before the heal, ${w.fake.alerts.length} in all`);
      }
      console.log(report.join("\n"));
    },
    TEST_TIMEOUT,
  );
});
