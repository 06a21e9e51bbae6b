/**
 * The local store's index page across runs: <root>/magtrack-index.html (docs/views.md), a file at the
 * root. Run discovery lists only directories, so it is never taken for a run. Each run links to its
 * <run>/magnitude/report.html when that exists, and the page to the cross-run report when
 * magtrack-report/ holds one. Rewritten atomically whole when its content changed; a directory of that name
 * (someone's run) is left alone and the page is not written.
 */
import { lstat, readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  MagtrackError,
  type RunIndex,
  type RunIndexLocation,
  renderRunIndexHtml,
  writeFileAtomic,
} from "../../src/adapter-kit.js";
import { isReportFolder, REPORT_DIR } from "./experiment-report.js";
import { RESULT_DIR } from "./store-format.js";

export const INDEX_FILE = "magtrack-index.html";

async function kind(path: string): Promise<"file" | "dir" | "other" | null> {
  try {
    const info = await lstat(path);
    return info.isFile() ? "file" : info.isDirectory() ? "dir" : "other";
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

/** A relative URL of a path under the root ("a b/x.html" → "a%20b/x.html"). */
const href = (...segments: string[]) => segments.map(encodeURIComponent).join("/");

export async function writeLocalRunIndex(root: string, index: RunIndex): Promise<RunIndexLocation> {
  const target = join(root, INDEX_FILE);
  const existing = await kind(target);
  if (existing !== null && existing !== "file") {
    throw new MagtrackError(
      "config",
      "LOCAL_INDEX_PATH_TAKEN",
      `${target} exists and is not a file; it is left alone — rename it to get the index page`,
    );
  }
  const pages = new Set<string>();
  for (const { run } of index.runs) {
    if ((await kind(join(root, run.id, RESULT_DIR, "report.html"))) === "file") pages.add(run.id);
  }
  const experimentReport = (await isReportFolder(join(root, REPORT_DIR)))
    ? href(REPORT_DIR, "index.html")
    : null;
  const html = renderRunIndexHtml(index, {
    run: (id) => (pages.has(id) ? href(id, RESULT_DIR, "report.html") : null),
    experimentReport,
  });
  // Unchanged page, untouched file (a re-sync that wrote nothing leaves the store as it was).
  if (existing === "file" && (await readFile(target, "utf8")) === html) return { location: target };
  await writeFileAtomic(target, html);
  return { location: target };
}
