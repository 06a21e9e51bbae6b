/**
 * The local store's experiment-level scales (docs/scale.md): one file per layer under the root,
 *   <root>/.magtrack/scale/<layer, percent-encoded>.<8 hex of sha256(layer)>.json
 * in a hidden folder, so listRuns never takes it for a run. The hash keeps layers apart whose
 * encoded names differ only by case (case-insensitive file systems) or were cut for length.
 * Create-if-absent: the record is written to a temp file and hard-linked to its name; link() fails
 * with EEXIST when the name exists, so of two shards racing, exactly one file wins and the other
 * adopts it on read-back. A stored file is never replaced.
 */
import { createHash, randomBytes } from "node:crypto";
import { link, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  decodeExperimentScale,
  type ExperimentScale,
  encodeExperimentScale,
  MagtrackError,
  type TrackerAdapter,
} from "../../src/adapter-kit.js";

export const SCALE_DIR = join(".magtrack", "scale");
const MAX_ENCODED_CHARS = 150;

export function scaleFileName(layer: string): string {
  const encoded = encodeURIComponent(layer).replace(/\./g, "%2E").slice(0, MAX_ENCODED_CHARS);
  const hash = createHash("sha256").update(layer, "utf8").digest("hex").slice(0, 8);
  return `${encoded}.${hash}.json`;
}

/** Link failures that mean "this file system has no hard links" (then: exclusive create instead). */
const NO_LINKS = new Set(["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS", "EXDEV"]);

export function localExperimentScales(
  root: string,
): Required<Pick<TrackerAdapter, "readExperimentScale" | "createExperimentScale">> {
  const pathOf = (layer: string) => join(root, SCALE_DIR, scaleFileName(layer));
  return {
    async readExperimentScale(layer: string): Promise<ExperimentScale | null> {
      const path = pathOf(layer);
      let text: string;
      try {
        text = await readFile(path, "utf8");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw error;
      }
      const scale = decodeExperimentScale(text, path);
      if (scale.layer !== layer) {
        throw new MagtrackError(
          "tracker",
          "BAD_EXPERIMENT_SCALE",
          `${path}: holds the scale of layer "${scale.layer}", not "${layer}"; fix or delete it`,
        );
      }
      return scale;
    },

    async createExperimentScale(scale: ExperimentScale): Promise<void> {
      const path = pathOf(scale.layer);
      const dir = join(root, SCALE_DIR);
      await mkdir(dir, { recursive: true });
      const body = `${encodeExperimentScale(scale)}\n`;
      const tmp = join(
        dir,
        `.${scaleFileName(scale.layer)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`,
      );
      await writeFile(tmp, body, { flush: true });
      try {
        await link(tmp, path);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? "";
        if (code === "EEXIST") return; // another sync stored it first: never replaced
        if (!NO_LINKS.has(code)) throw error;
        try {
          await writeFile(path, body, { flag: "wx", flush: true }); // O_CREAT | O_EXCL
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
        }
      } finally {
        await rm(tmp, { force: true });
      }
    },
  };
}
