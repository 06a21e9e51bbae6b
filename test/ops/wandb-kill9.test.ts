/**
 * kill -9 of a real `magtrack sync --tracker wandb` process at pseudo-random requests (seeded),
 * against the stateful fake W&B server. Every request of the child goes through the counting
 * proxy — GraphQL, filestream, and the signed download/upload URLs (the fake signs them with the
 * proxy's address) — and the child dies before the server sees request k, or after the server
 * processed it but before the child read the answer. A run left "running" by the dead session
 * becomes "crashed" through the server's heartbeat watchdog (as on W&B). A normal sync afterwards
 * exits 0, and the seeded run then holds its original history lines, summary keys and config keys
 * unchanged, magtrack's rows equal to those of a clean sync on a fresh server (each training step
 * once, `_step` increasing after the old lines), no pending marker, and state "finished".
 */
import { afterEach, describe, expect, it } from "vitest";
import { type ExtendedJson, parseObject } from "../../adapters/wandb/extended-json.js";
import { MAGTRACK_CONFIG_KEY, STEP_METRIC } from "../../adapters/wandb/run-config.js";
import { encodeNpy } from "../../src/io/npy-write.js";
import { type FakeRun, FakeWandbServer } from "../adapters/wandb/fake-server.js";
import { FIXTURE } from "../adapters/wandb/seed.js";
import { childStartMs, timeoutFor } from "../helpers/baseline.js";
import { cli } from "../helpers/cli.js";
import { expectCloseResults } from "../helpers/close-results.js";
import { expectNoSecret, OPS_WANDB_KEY } from "../helpers/secrets.js";
import { stepCloud } from "../helpers/store.js";
import { killCliAt, ndjsonEvents, startCli } from "./helpers/child-cli.js";
import { KillProxy } from "./helpers/kill-proxy.js";
import { lockFile } from "./helpers/mlflow-ops.js";

/** One child CLI start now; these tests start many children, so their budget scales with it. */
const TEST_TIMEOUT = timeoutFor(await childStartMs(), 320);

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const SEEDS = Array.from({ length: 16 }, (_, i) => i + 1);
const RUN = "trained";
const STEPS = [0, 1, 2, 3];
const LAYERS = ["fc1", "fc2"];
const ARGS = ["sync", "--tracker", "wandb", "--entity", "team", "--project", "proj", "--json"];

/** x ← (1103515245·x + 12345) mod 2^31 (the golden LCG), as u ∈ [0, 1). */
function lcg(seed: number): () => number {
  let x = seed;
  return () => {
    x = (1103515245 * x + 12345) % 2147483648;
    return x / 2147483648;
  };
}

type Json = Record<string, ExtendedJson>;

/**
 * A fake server seeded with one finished run (the fixture's history, summary and config) whose
 * `activations` artifact holds two layers × four steps of small clouds, behind a KillProxy. The
 * fake signs its storage URLs with the proxy's address, so downloads and uploads are counted too.
 */
async function world(): Promise<{ fake: FakeWandbServer; run: FakeRun; proxy: KillProxy; direct: string }> {
  const fake = await new FakeWandbServer(OPS_WANDB_KEY).start();
  cleanups.push(() => fake.stop());
  const files: Record<string, Uint8Array> = {};
  for (const [l, layer] of LAYERS.entries()) {
    for (const s of STEPS)
      files[`${layer}/step_${s}.npy`] = encodeNpy(stepCloud(11 + 5 * l, 20, 3, s), [20, 3]);
  }
  const run = fake.addRun({
    name: RUN,
    history: FIXTURE.history,
    summary: FIXTURE.summary,
    config: FIXTURE.config,
    artifacts: [{ type: "activations", sequence: "trained-acts", files }],
  });
  const direct = fake.baseUrl;
  const proxy = new KillProxy(direct);
  await proxy.start();
  cleanups.push(() => proxy.stop());
  fake.baseUrl = proxy.url; // signed URLs now point at the proxy
  return { fake, run, proxy, direct };
}

const env = (url: string) => ({ WANDB_API_KEY: OPS_WANDB_KEY, WANDB_BASE_URL: url });

/** magtrack's rows (after the seeded lines): training step and magnitude metrics, by step. */
function magtrackRows(run: FakeRun): { step: ExtendedJson; metrics: Json }[] {
  return run.history
    .slice(FIXTURE.history.length)
    .map((line) => parseObject(line, "history row"))
    .map((row) => ({
      step: row[STEP_METRIC]!,
      metrics: Object.fromEntries(
        Object.entries(row).filter(([k]) => k.startsWith("magnitude/") && k !== STEP_METRIC),
      ),
    }))
    .sort((a, b) => Number(a.step) - Number(b.step));
}

/**
 * A summary's table-file entries without what names their bytes (sha256, size, the digest in the file
 * name): values equal within 1e-9 relative need not be equal bytes (test/helpers/close-results.ts).
 */
function withoutTableDigests(summary: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(summary)) {
    if (
      v !== null &&
      typeof v === "object" &&
      !Array.isArray(v) &&
      String((v as Json)._type).includes("table")
    ) {
      const { sha256: _sha, size: _size, path, ...rest } = v as Json;
      out[k] = { ...rest, path: String(path).replace(/_[0-9a-f]{8,}\./, "_<digest>.") };
    } else out[k] = v;
  }
  return out;
}

/** The seeded run's own data is untouched, and its magtrack part equals the clean reference. */
function expectHealed(run: FakeRun, clean: FakeRun, where: string): void {
  expect(run.history.slice(0, FIXTURE.history.length), `${where}: old history lines`).toEqual(
    FIXTURE.history,
  );
  const rows = magtrackRows(run);
  expectCloseResults(rows, magtrackRows(clean), 1e-9, `${where}: magtrack rows`);
  expect(rows.map((r) => r.step)).toEqual(STEPS); // each training step exactly once
  const steps = run.history.map((l) => parseObject(l, "history row")._step as number);
  for (let i = 1; i < steps.length; i++)
    expect(steps[i], `${where}: _step of line ${i}`).toBeGreaterThan(steps[i - 1]!);

  const oldSummary = parseObject(FIXTURE.summary, "fixture summary");
  const summary = parseObject(run.summary, "summary");
  const cleanSummary = parseObject(clean.summary, "clean summary");
  for (const [k, v] of Object.entries(oldSummary)) expect(summary[k], `${where}: summary ${k}`).toEqual(v);
  const ours = (s: Json) => Object.fromEntries(Object.entries(s).filter(([k]) => k.startsWith("magnitude/")));
  expectCloseResults(
    withoutTableDigests(ours(summary)),
    withoutTableDigests(ours(cleanSummary)),
    1e-9,
    `${where}: magtrack summary`,
  );

  const oldConfig = parseObject(FIXTURE.config, "fixture config");
  const config = parseObject(run.config, "config");
  for (const [k, v] of Object.entries(oldConfig)) {
    if (k !== "_wandb") expect(config[k], `${where}: config ${k}`).toEqual(v);
  }
  // _wandb keeps every sub-key; only define_metric (m) and chart panels (visualize) are merged into.
  const block = (c: Json) => (c._wandb as { value: Json }).value;
  for (const [k, v] of Object.entries(block(oldConfig))) {
    if (k !== "m" && k !== "visualize") expect(block(config)[k], `${where}: _wandb.${k}`).toEqual(v);
  }
  const mt = config[MAGTRACK_CONFIG_KEY] as { value: Json } | undefined;
  expect(mt?.value.pending, `${where}: pending marker left`).toBeUndefined();
  // the recorded digest of the summary names its bytes, not its values (withoutTableDigests)
  const withoutDigest = (c: unknown) => {
    const copy = structuredClone(c) as { value?: { synced?: { summarySha256?: string } } } | undefined;
    if (copy?.value?.synced) delete copy.value.synced.summarySha256;
    return copy;
  };
  expectCloseResults(
    withoutDigest(mt),
    withoutDigest(parseObject(clean.config, "clean config")[MAGTRACK_CONFIG_KEY]),
    1e-9,
    `${where}: magtrack config`,
  );
  expect(run.state, `${where}: state`).toBe("finished");
}

describe("kill -9 during a sync against W&B", () => {
  it(
    "at random requests, writes and filestream posts (16 seeds, before/after the server processes it): the next sync heals the run exactly",
    async () => {
      // Reference: a clean sync on a fresh server, through the counting proxy (total request count).
      const clean = await world();
      const reference = await startCli([...ARGS, "--lock-file", await lockFile()], env(clean.proxy.url)).done;
      expectNoSecret(reference.stdout + reference.stderr, "clean sync output");
      expect(reference.code, reference.stderr).toBe(0);
      const total = clean.proxy.count;
      expect(clean.fake.signedWithAuth).toBe(0);
      expect(clean.proxy.log.some((r) => r.path.startsWith("/signed/"))).toBe(true);
      expect(magtrackRows(clean.run).map((r) => r.step)).toEqual(STEPS);
      // The fake logged the same requests in the same order (the sync is sequential): name the writes
      // (GraphQL mutations, storage uploads, filestream posts), where a kill could corrupt or duplicate.
      expect(clean.fake.log.map((r) => r.path)).toEqual(clean.proxy.log.map((r) => r.path));
      const isWrite = (r: (typeof clean.fake.log)[number]) =>
        r.method === "PUT" || r.path.endsWith("/file_stream") || /^\s*mutation\b/.test(r.query ?? "");
      const writeIndexes = clean.fake.log.flatMap((r, i) => (isWrite(r) ? [i + 1] : []));
      expect(writeIndexes.length).toBeGreaterThanOrEqual(4);
      console.log(
        `clean W&B sync: ${total} requests (writes at ${writeIndexes.join(", ")}), ${reference.ms} ms`,
      );

      const streamIndexes = clean.fake.log.flatMap((r, i) =>
        r.path.endsWith("/file_stream") ? [i + 1] : [],
      );
      expect(streamIndexes.length).toBeGreaterThanOrEqual(2); // history + summary post(s), then complete

      // Seeds 1–3 kill at a uniformly random request, 4–10 at a random write (writes are few among
      // the reads), 11–16 at each filestream post in turn (here: history + summary, then complete; cycling), before and after.
      const rand = lcg(20260702);
      const report: string[] = [];
      for (const seed of SEEDS) {
        const w = await world();
        const at =
          seed <= 3
            ? 1 + Math.floor(rand() * total)
            : seed <= 10
              ? writeIndexes[Math.floor(rand() * writeIndexes.length)]!
              : streamIndexes[Math.floor((seed - 11) / 2) % streamIndexes.length]!;
        const mode = seed % 2 === 0 ? "after" : "before";
        const lock = await lockFile();
        const killed = await killCliAt([...ARGS, "--lock-file", lock], env(w.proxy.url), w.proxy, at, mode);
        expect(killed.signal, `seed ${seed}: killed at request ${at}`).toBe("SIGKILL");
        expectNoSecret(killed.stdout + killed.stderr, `killed child (seed ${seed})`);
        // Whatever the dead process left never touched the run's own lines.
        expect(w.run.history.slice(0, FIXTURE.history.length)).toEqual(FIXTURE.history);
        const left = `${w.run.state}, ${w.run.history.length - FIXTURE.history.length} rows`;

        // W&B's watchdog: the dead session's run stops heart-beating and is seen as crashed.
        w.fake.expireHeartbeats();
        w.fake.baseUrl = w.direct;
        const healed = await cli([...ARGS, "--lock-file", lock], { env: env(w.direct) });
        expectNoSecret(healed.stdout + healed.stderr, `healing sync (seed ${seed})`);
        expect(healed.code, healed.stdout + healed.stderr).toBe(0);
        expect(ndjsonEvents(healed.stdout).at(-1)).toMatchObject({ type: "summary", failed: 0, deferred: 0 });
        expectHealed(w.run, clean.run, `seed ${seed}`);
        expect(w.fake.signedWithAuth).toBe(0);
        const k = w.proxy.killedAt;
        report.push(
          `seed ${seed}: kill ${mode} request ${at}/${total} (${k?.method} ${k?.path}), left ${left}, healed`,
        );
      }
      console.log(report.join("\n"));
    },
    TEST_TIMEOUT,
  );
});
