/**
 * A simulated training process writing its own W&B run, as wandb-core does while `wandb.init` is
 * live: history lines posted to the filestream at offset = its own line counter with `_step`
 * increasing (core/internal/filestream/filestreamstate.go: HistoryChunk.Offset = HistoryLineNum),
 * the full summary with every post (SummaryChunk), and `{"complete": true, "exitcode": 0}` at the
 * end (filestreamrequest.go). Activation files appear as run files once uploaded (the state
 * createRunFiles + PUT + the filestream's `uploaded` list leave behind; seeded into the fake's store).
 */
import { createHash } from "node:crypto";
import { encodeNpy } from "../../../src/io/npy-write.js";
import { stepCloud } from "../../helpers/store.js";
import type { FakeRun, FakeWandbServer } from "./fake-server.js";

export const LIVE_LAYERS = ["fc1", "fc2"] as const;
export const LIVE_N = 24;
export const LIVE_D = 3;
/** The cloud a layer logs at a step (deterministic; the same function the assertions recompute). */
export const liveCloud = (layer: number, step: number) => stepCloud(5 + 7 * layer, LIVE_N, LIVE_D, step);

export class SimulatedTrainer {
  /** Every history line this process posted, in order: the run's history must equal it. */
  readonly lines: string[] = [];
  summary = "{}";
  private step = 0;

  constructor(
    private readonly fake: FakeWandbServer,
    readonly run: FakeRun,
    /** The server to post to (the fake, or a proxy in front of it). */
    private readonly baseUrl: () => string = () => fake.baseUrl,
  ) {}

  /** Log one training step: a loss line, and one activation file per layer. */
  async logStep(): Promise<number> {
    const s = this.step++;
    for (const [l, layer] of LIVE_LAYERS.entries()) {
      const bytes = encodeNpy(liveCloud(l, s), [LIVE_N, LIVE_D]);
      this.run.files.set(`activations/${layer}/step_${s}.npy`, {
        bytes,
        md5: createHash("md5").update(bytes).digest("base64"),
        updatedAt: "2026-07-01T12:00:00",
        uploaded: true,
      });
    }
    const line = `{"loss":${(1 / (s + 1)).toFixed(4)},"accuracy":${(s / 10).toFixed(2)},"_step":${s},"_runtime":${10 * s},"_timestamp":${1_780_000_000 + s}}`;
    this.summary = `{"loss":${(1 / (s + 1)).toFixed(4)},"accuracy":${(s / 10).toFixed(2)},"_step":${s},"_runtime":${10 * s}}`;
    await this.post({
      files: {
        "wandb-history.jsonl": { offset: this.lines.length, content: [line] },
        "wandb-summary.json": { offset: 0, content: [this.summary] },
      },
    });
    this.lines.push(line);
    return s;
  }

  /** wandb.finish(): the run ends "finished". */
  async finish(): Promise<void> {
    await this.post({ complete: true, exitcode: 0 });
  }

  private async post(body: unknown): Promise<void> {
    const r = this.run;
    const res = await fetch(`${this.baseUrl()}/files/${r.entity}/${r.project}/${r.name}/file_stream`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`api:${this.fake.apiKey}`).toString("base64")}`,
        "content-type": "application/json",
      },
      body: JSON.stringify(body),
    });
    if (res.status !== 200) throw new Error(`trainer post: ${res.status} ${await res.text()}`);
  }
}
