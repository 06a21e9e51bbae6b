/**
 * Atomic file write: write a temporary file in the same directory, flush it, then rename it over the
 * target. A reader (or a sync running at the same time) sees either the old file or the complete new
 * one, never a torn file; a crash leaves at most a temp file behind. The temp name starts with "."
 * and ends in ".tmp", so activation patterns such as "activations/{layer}/step_{step}.npy" never
 * match it.
 */
import { randomBytes } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { onStorePath } from "./io-error.js";

/** Errno failures (ENOSPC, EACCES, EROFS …) are thrown as MagtrackError STORE_IO naming `path`. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  await onStorePath(dir, "write", () => mkdir(dir, { recursive: true }));
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  await onStorePath(path, "write", async () => {
    try {
      await writeFile(tmp, data, { flush: true });
      await rename(tmp, path);
    } catch (error) {
      await rm(tmp, { force: true }).catch(() => {});
      throw error;
    }
  });
}
