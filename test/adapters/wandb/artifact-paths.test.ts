/**
 * Names inside a W&B artifact are relative to its root (../shared/TRACKERS.md: a job that did
 * `art.add_dir("activations")` holds `fc1/step_00000.npy`), so artifacts are matched with
 * `{layer}/step_{step}.{ext}` and run files keep `activations/{layer}/…`. A run that holds files
 * but matches none says so, with two of the names it saw, through the skippedEntries capability
 * that src/sync/find-activations.ts reports.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ActivationRef, RunRef, TrackerAdapter } from "../../../src/adapter-kit.js";
import type { SyncEvent } from "../../../src/sync/events.js";
import { findActivations } from "../../../src/sync/find-activations.js";
import type { FakeWandbServer } from "./fake-server.js";
import { adapterFor, startFake } from "./harness.js";

const bytes = (s: string) => new TextEncoder().encode(s);
let fake: FakeWandbServer;

beforeEach(async () => {
  fake = await startFake();
});
afterEach(() => fake.stop());

async function refOf(adapter: TrackerAdapter, name: string): Promise<RunRef> {
  for await (const r of adapter.listRuns({ runs: [name] })) return r;
  throw new Error(`run ${name} not listed`);
}

async function find(adapter: TrackerAdapter, name: string) {
  const events: SyncEvent[] = [];
  const refs: ActivationRef[] = await findActivations(adapter, await refOf(adapter, name), (e) => {
    events.push(e);
  });
  return { refs, events };
}

describe("W&B activation paths", () => {
  it("artifact files match {layer}/step_{step}.{ext} from the artifact root; run files activations/{layer}/…", async () => {
    fake.addRun({
      name: "r",
      files: {
        "activations/fc1/step_3.npy": bytes("run-file"),
        "fc9/step_1.npy": bytes("not under activations/"),
      },
      artifacts: [
        {
          type: "activations",
          sequence: "r-acts",
          files: {
            "fc2/step_00000.npy": bytes("a0"),
            "fc2/step_00010.npy": bytes("a10"),
            "activations/fc3/step_1.npy": bytes("x"),
          },
        },
      ],
    });
    const { refs, events } = await find(adapterFor(fake), "r");
    expect(refs.map((r) => [r.path, r.layer, r.step, r.extra?.source])).toEqual([
      ["activations/fc1/step_3.npy", "fc1", 3, "run-file"],
      ["fc2/step_00000.npy", "fc2", 0, "artifact"],
      ["fc2/step_00010.npy", "fc2", 10, "artifact"],
    ]);
    expect(events).toEqual([]); // something matched: no "nothing matched" report
  });

  it("a run whose files all miss the patterns says so, with counts, both patterns and two names", async () => {
    fake.addRun({
      name: "named-wrong",
      files: { "output.log": bytes("log"), "config.yaml": bytes("c"), "acts/fc1-0.npy": bytes("x") },
      artifacts: [
        {
          type: "activations",
          sequence: "s",
          files: { "layer1/epoch_3.npy": bytes("e"), "notes.txt": bytes("n") },
        },
        { type: "model", sequence: "m", files: { "fc1/step_0.npy": bytes("model artifacts are not read") } },
      ],
    });
    const adapter = adapterFor(fake);
    const { refs, events } = await find(adapter, "named-wrong");
    expect(refs).toEqual([]);
    expect(events).toHaveLength(1);
    const e = events[0] as Extract<SyncEvent, { type: "plan-problem" }>;
    expect(e).toMatchObject({ type: "plan-problem", run: "named-wrong" });
    expect(e.message).toContain("no activation file matched");
    expect(e.message).toContain('2 file(s) in activations artifacts (pattern "{layer}/step_{step}.{ext}"');
    expect(e.message).toContain('3 run file(s) (pattern "activations/{layer}/step_{step}.{ext}")');
    // The likeliest activation files first: artifact .npy, then the artifact's other file.
    expect(e.message).toContain('e.g. "layer1/epoch_3.npy (in an artifact)", "notes.txt (in an artifact)"');
    expect(e.message).not.toContain("model artifacts");
  });

  it("run files only: the two names shown prefer activation extensions", async () => {
    fake.addRun({ name: "files-only", files: { "output.log": bytes("l"), "acts/fc1-0.npy": bytes("x") } });
    const { events } = await find(adapterFor(fake), "files-only");
    const e = events[0] as Extract<SyncEvent, { type: "plan-problem" }>;
    expect(e.message).toContain("2 run file(s)");
    expect(e.message).toContain('e.g. "acts/fc1-0.npy", "output.log"');
    expect(e.message).not.toContain("artifact");
  });

  it("a run with no files at all reports nothing from the adapter (the pipeline says it found none)", async () => {
    fake.addRun({ name: "empty" });
    const adapter = adapterFor(fake);
    const { refs, events } = await find(adapter, "empty");
    expect(refs).toEqual([]);
    expect(events).toEqual([]);
  });

  it("the report belongs to the last listing: a run fixed since is no longer reported", async () => {
    const run = fake.addRun({ name: "later", files: { "output.log": bytes("l") } });
    const adapter = adapterFor(fake);
    expect((await find(adapter, "later")).events).toHaveLength(1);
    run.files.set("activations/fc1/step_0.npy", {
      bytes: bytes("x"),
      md5: "",
      updatedAt: run.heartbeatAt,
      uploaded: true,
    });
    expect((await find(adapter, "later")).events).toEqual([]);
  });

  it("--pattern alone applies to artifacts too; artifactPattern overrides it there", async () => {
    fake.addRun({
      name: "custom",
      files: { "acts/fc1/3.npy": bytes("run") },
      artifacts: [
        {
          type: "activations",
          sequence: "c",
          files: { "acts/fc2/4.npy": bytes("a"), "fc3/4.npy": bytes("b") },
        },
      ],
    });
    const one = await find(adapterFor(fake, { pattern: "acts/{layer}/{step}.{ext}" }), "custom");
    expect(one.refs.map((r) => `${r.layer}@${r.step}`)).toEqual(["fc1@3", "fc2@4"]);
    const two = await find(
      adapterFor(fake, { pattern: "acts/{layer}/{step}.{ext}", artifactPattern: "{layer}/{step}.{ext}" }),
      "custom",
    );
    expect(two.refs.map((r) => `${r.layer}@${r.step}`)).toEqual(["fc1@3", "fc3@4"]);
  });
});
