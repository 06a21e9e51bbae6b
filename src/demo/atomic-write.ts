/**
 * Atomic file write: write a temporary file in the same directory, then rename it over the
 * target. A reader (or a sync running at the same time) sees either the old file or the complete
 * new one, never a half-written file. The temporary name starts with "." and ends in ".tmp", so
 * activation patterns such as "activations/{layer}/step_{step}.npy" never match it.
 */
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

let counter = 0;

export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  counter += 1;
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${counter}.tmp`);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}
