/**
 * The local store's cross-run report: <root>/magtrack-report/ holding index.html, SVGs and the table,
 * and a marker file `.magtrack-report.json` ({"kind": "report", "files": [...]}) by which run discovery
 * knows the folder is not a run (listRuns skips a folder holding the marker). A folder of that name
 * without the marker is someone's run and is never written into. Re-running writes every file anew
 * (atomically) and removes only files the previous marker listed that the new report lacks.
 */
import { readFile, rm, stat } from "node:fs/promises";
import { join, resolve, sep } from "node:path";
import {
  type ExperimentReport,
  type ExperimentReportLocation,
  MagtrackError,
  REPORT_KIND_VALUE,
  writeFileAtomic,
} from "../../src/adapter-kit.js";

export const REPORT_DIR = "magtrack-report";
export const REPORT_MARKER = ".magtrack-report.json";

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}

/** Is this run-like folder magtrack's report folder (it holds the marker)? */
export async function isReportFolder(dir: string): Promise<boolean> {
  return exists(join(dir, REPORT_MARKER));
}

async function previousFiles(dir: string): Promise<string[]> {
  try {
    const parsed = JSON.parse(await readFile(join(dir, REPORT_MARKER), "utf8")) as { files?: unknown };
    return Array.isArray(parsed.files) ? parsed.files.filter((f): f is string => typeof f === "string") : [];
  } catch {
    return [];
  }
}

export async function writeLocalExperimentReport(
  root: string,
  report: ExperimentReport,
): Promise<ExperimentReportLocation> {
  const dir = join(root, REPORT_DIR);
  if ((await exists(dir)) && !(await isReportFolder(dir))) {
    throw new MagtrackError(
      "config",
      "LOCAL_REPORT_DIR_TAKEN",
      `${dir} exists and is not a magtrack report folder (no ${REPORT_MARKER}); it is left alone — rename it to get a report`,
    );
  }
  const targets = report.files.map((file) => {
    const target = resolve(dir, file.path);
    if (!target.startsWith(dir + sep)) {
      throw new MagtrackError("format", "PATH_TRAVERSAL", `report file ${file.path} leaves ${dir}`);
    }
    return { file, target };
  });
  const stale = (await previousFiles(dir)).filter((f) => !report.files.some((x) => x.path === f));
  // The marker first: from here on discovery skips the folder even if the writes are interrupted.
  const marker = { kind: REPORT_KIND_VALUE, files: report.files.map((f) => f.path).sort() };
  await writeFileAtomic(join(dir, REPORT_MARKER), `${JSON.stringify(marker, null, 2)}\n`);
  for (const { file, target } of targets) await writeFileAtomic(target, file.body);
  for (const f of stale) {
    const target = resolve(dir, f);
    if (target.startsWith(dir + sep)) await rm(target, { force: true });
  }
  return { location: join(dir, report.entry), filesWritten: targets.length + 1 };
}
