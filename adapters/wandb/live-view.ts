/**
 * The W&B live view (TrackerAdapter.liveView, docs/wandb-live.md): a run that is still training
 * (or crashed, killed, scheduled: any state the adapter defers) is synced into its companion run
 * instead of itself. Activations are read from the training run; what is already written, and
 * where new results go, is the companion. The training run is never written through this view.
 */
import {
  type ActivationRef,
  type LiveView,
  MagtrackError,
  type ResultBatch,
  type RunRef,
  type RunState,
  type TrackerAdapter,
  type WriteReport,
} from "../../src/adapter-kit.js";
import { wandbAlerts } from "./alerts.js";
import {
  companionIdOf,
  companionStateOf,
  createCompanion,
  LIVE_COMPANION_KEY,
  markSuperseded,
  readCompanion,
  setCompanionState,
} from "./companion.js";
import { readWrittenResults } from "./history-scan.js";
import { readMagtrackConfig } from "./run-config.js";
import { type SessionContext, type SessionHooks, writeSession } from "./write-session.js";

export function companionView(base: TrackerAdapter, ctx: SessionContext, training: RunRef): LiveView {
  const id = companionIdOf(training.id);
  const companionRef: RunRef = {
    id,
    displayName: id,
    container: `${ctx.entity}/${ctx.project}`,
    status: "finished",
  };
  const adapter: TrackerAdapter = {
    name: base.name,
    ignoresCharts: true, // like the run's own adapter: the companion holds no pages
    listRuns: (filter, signal) => base.listRuns(filter, signal),
    // The training run's own files (the pipeline passes the training run's ref).
    listActivations: (run, signal): AsyncIterable<ActivationRef> => base.listActivations(run, signal),
    readActivation: (ref, signal) => base.readActivation(ref, signal),
    ...(base.skippedEntries ? { skippedEntries: (run: RunRef) => base.skippedEntries!(run) } : {}),

    async readState(_run: RunRef, signal?: AbortSignal): Promise<RunState> {
      const status = await readCompanion(ctx, training.id, signal);
      if (status === null) return { references: {}, written: [] };
      const magtrack = readMagtrackConfig(status.config);
      const written = await readWrittenResults(
        ctx.api,
        ctx.entity,
        ctx.project,
        id,
        { start: magtrack.historyStart, nextStep: status.nextStep, lineCount: status.historyLineCount },
        signal,
      );
      return {
        references: magtrack.references,
        written,
        ...(magtrack.settings ? { settings: magtrack.settings } : {}),
        ...(magtrack.pending ? { unfinishedWrite: true } : {}),
      };
    },

    async writeResults(_run: RunRef, batch: ResultBatch, signal?: AbortSignal): Promise<WriteReport> {
      const status = await readCompanion(ctx, training.id, signal);
      if (status === null) await createCompanion(ctx, training, signal);
      else if (companionStateOf(status.config) === "superseded") {
        // The training run was resumed after its results landed in it: the companion is live again.
        await setCompanionState(ctx, id, status, "live", training.id, signal);
      }
      try {
        return await writeSession(ctx, companionRef, batch, signal, undefined, { ownedRun: true });
      } catch (error) {
        if ((error as { code?: string }).code !== "WANDB_RUN_NOT_WRITABLE") throw error;
        // Only magtrack writes the companion: "running" means a session of ours is cut or under way.
        throw new MagtrackError(
          "tracker",
          "WANDB_COMPANION_BUSY",
          `W&B run ${ctx.entity}/${ctx.project}/${id} (the companion of ${training.id}) is still marked running: an interrupted magtrack session (W&B marks it crashed once it stops heart-beating; the next sync then finishes it) or another magtrack process writing it now`,
        );
      }
    },

    // The training run's alert (the pipeline passes its ref), recorded in the companion's config:
    // a running run's config belongs to the training process (alerts.ts).
    ...wandbAlerts(ctx, () => "companion"),
  };
  return { target: `W&B run ${ctx.entity}/${ctx.project}/${id}`, adapter };
}

/**
 * For a write into the training run itself (it finished): when a companion exists, the session
 * links to it (config magtrack.live_companion) and marks it superseded before it closes — so a
 * kill leaves the pending marker and the next sync does both again. A run of the companion's id
 * that is not magtrack's companion is left alone (no link, nothing marked).
 */
export async function companionHooks(
  ctx: SessionContext,
  trainingId: string,
  signal?: AbortSignal,
): Promise<SessionHooks> {
  let exists: boolean;
  try {
    exists = (await readCompanion(ctx, trainingId, signal)) !== null;
  } catch (error) {
    if ((error as { code?: string }).code === "WANDB_COMPANION_CONFLICT") return {};
    throw error;
  }
  if (!exists) return {};
  return {
    links: { [LIVE_COMPANION_KEY]: companionIdOf(trainingId) },
    beforeClose: async (s) => {
      await markSuperseded(ctx, trainingId, s);
    },
  };
}
