/**
 * The experiment's T per layer as MLflow experiment tags (docs/scale.md):
 *   magtrack.scale.<layer>  JSON {"layer", "T", "run", "step", "source", "settings"}
 * (layer sanitised as in metric keys, keys.ts). Written with experiments/set-experiment-tag and read
 * back, fresh each time, with experiments/get (service.proto SetExperimentTag / GetExperiment; the
 * response lists the experiment's tags as [{key, value}], ../shared/fixtures/mlflow-3.6-real §4).
 * MLflow has no compare-and-set on tags: a tag write replaces. So create reads first and never
 * writes over a stored value; two racers that both saw nothing propose the same deterministic
 * value (src/experiment-scale/find-reference.ts), and the pipeline adopts what it reads back.
 */
import {
  decodeExperimentScale,
  type ExperimentScale,
  encodeExperimentScale,
  MagtrackError,
} from "../../src/adapter-kit.js";
import type { MlflowClient } from "./client.js";
import { assertValidKey, sanitizeLayer } from "./keys.js";
import { tagsToRecord, type WireExperiment } from "./wire.js";

export const SCALE_TAG_PREFIX = "magtrack.scale.";
/**
 * Experiment tag values: every backend keeps at least 5000 characters (service.proto
 * SetExperimentTag.value); longer ones are refused or cut depending on the backend
 * (mlflow/utils/validation.py _validate_experiment_tag, MAX_EXPERIMENT_TAG_VAL_LENGTH).
 */
export const MAX_EXPERIMENT_TAG_CHARS = 5000;

export function scaleTagKey(layer: string): string {
  return assertValidKey(
    `${SCALE_TAG_PREFIX}${sanitizeLayer(layer)}`,
    `experiment scale tag of layer "${layer}"`,
  );
}

export function mlflowExperimentScales(
  client: MlflowClient,
  experiment: (signal?: AbortSignal) => Promise<WireExperiment>,
) {
  /** The stored value, from a fresh experiments/get (never from a cached experiment). */
  const read = async (layer: string, signal?: AbortSignal): Promise<ExperimentScale | null> => {
    const { experiment_id: id } = await experiment(signal);
    const fresh = await client.getExperiment(id, signal);
    if (fresh === null) {
      throw new MagtrackError("config", "MLFLOW_EXPERIMENT_NOT_FOUND", `MLflow: experiment ${id} is gone`);
    }
    const key = scaleTagKey(layer);
    const value = tagsToRecord(fresh.tags)[key];
    if (value === undefined) return null;
    const scale = decodeExperimentScale(value, `MLflow experiment ${id} tag ${key}`);
    if (scale.layer !== layer) {
      throw new MagtrackError(
        "tracker",
        "BAD_EXPERIMENT_SCALE",
        `MLflow experiment ${id} tag ${key}: holds the scale of layer "${scale.layer}", not "${layer}"`,
      );
    }
    return scale;
  };
  return {
    readExperimentScale: read,
    async createExperimentScale(scale: ExperimentScale, signal?: AbortSignal): Promise<void> {
      const key = scaleTagKey(scale.layer);
      const value = encodeExperimentScale(scale);
      if (value.length > MAX_EXPERIMENT_TAG_CHARS) {
        throw new MagtrackError(
          "tracker",
          "MLFLOW_TAG_TOO_LONG",
          `experiment tag ${key}: value of ${value.length} characters exceeds the ${MAX_EXPERIMENT_TAG_CHARS} every MLflow backend keeps`,
        );
      }
      if ((await read(scale.layer, signal)) !== null) return; // never replaced
      const { experiment_id: id } = await experiment(signal);
      await client.setExperimentTag(id, key, value, signal);
    },
  };
}
